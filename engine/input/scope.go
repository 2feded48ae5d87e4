package input

import (
	"slices"
	"strings"
)

// clusterScopedKinds are the "group/Kind"s the Kubernetes API (and
// widespread add-ons) define as cluster-scoped. An array, so it cannot be
// changed through a slice.
var clusterScopedKinds = [...]string{
	"/Namespace", "/Node", "/PersistentVolume", "/ComponentStatus",
	"rbac.authorization.k8s.io/ClusterRole", "rbac.authorization.k8s.io/ClusterRoleBinding",
	"storage.k8s.io/StorageClass", "storage.k8s.io/CSIDriver", "storage.k8s.io/CSINode",
	"storage.k8s.io/VolumeAttachment", "storage.k8s.io/VolumeAttributesClass",
	"apiextensions.k8s.io/CustomResourceDefinition", "apiregistration.k8s.io/APIService",
	"admissionregistration.k8s.io/ValidatingWebhookConfiguration",
	"admissionregistration.k8s.io/MutatingWebhookConfiguration",
	"admissionregistration.k8s.io/ValidatingAdmissionPolicy",
	"admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding",
	"admissionregistration.k8s.io/MutatingAdmissionPolicy",
	"admissionregistration.k8s.io/MutatingAdmissionPolicyBinding",
	"scheduling.k8s.io/PriorityClass", "node.k8s.io/RuntimeClass",
	"networking.k8s.io/IngressClass", "networking.k8s.io/IPAddress", "networking.k8s.io/ServiceCIDR",
	"certificates.k8s.io/CertificateSigningRequest", "certificates.k8s.io/ClusterTrustBundle",
	"flowcontrol.apiserver.k8s.io/FlowSchema", "flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration",
	"policy/PodSecurityPolicy", "resource.k8s.io/DeviceClass",
	"templates.gatekeeper.sh/ConstraintTemplate", "config.gatekeeper.sh/Config",
	"cert-manager.io/ClusterIssuer", "cilium.io/CiliumClusterwideNetworkPolicy",
	"crd.projectcalico.org/GlobalNetworkPolicy", "projectcalico.org/GlobalNetworkPolicy",
	"crd.projectcalico.org/GlobalNetworkSet", "projectcalico.org/GlobalNetworkSet",
	"security.istio.io/ClusterAuthorizationPolicy",
	// A node's kubelet configuration file describes no namespaced object.
	"kubelet.config.k8s.io/KubeletConfiguration",
}

// ClusterScopedGroup is an API group whose every kind is cluster-scoped
// (Gatekeeper's constraints).
const ClusterScopedGroup = "constraints.gatekeeper.sh"

// Normalized reports whether a group is one of shipshape's own, used for
// objects normalised from other formats (Dockerfiles, Azure resources):
// they live in no namespace and describe no Kubernetes object.
func Normalized(group string) bool {
	return group == "shipshape.dev" || strings.HasSuffix(group, ".shipshape.dev")
}

// ClusterScopedKinds returns the "group/Kind"s known to be cluster-scoped.
func ClusterScopedKinds() []string { return slices.Clone(clusterScopedKinds[:]) }

// ClusterScoped reports whether objects of this group and kind live outside
// namespaces. Only kinds the Kubernetes API (and widespread add-ons) define
// as cluster-scoped are listed; unknown kinds are treated as namespaced.
func ClusterScoped(group, kind string) bool {
	if group == ClusterScopedGroup || Normalized(group) {
		return true
	}
	key := group + "/" + kind
	for _, k := range clusterScopedKinds {
		if k == key {
			return true
		}
	}
	return false
}

// DefaultNamespace is where kubectl puts a namespaced object that names no
// namespace.
const DefaultNamespace = "default"

// EffectiveNamespace is the namespace the object lands in when applied: its
// own, "default" for a namespaced object that names none, "" for
// cluster-scoped objects.
func (o *Object) EffectiveNamespace() string {
	if ClusterScoped(o.Group(), o.Kind()) {
		return ""
	}
	if ns := o.Namespace(); ns != "" {
		return ns
	}
	return DefaultNamespace
}
