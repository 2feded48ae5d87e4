# METADATA
# title: Deprecated and removed Kubernetes API versions
# description: >-
#   The Kubernetes deprecated API migration guide as a table, from the 1.16
#   removals on: for each apiVersion and kind, the minor release that
#   deprecated it, the one that stopped serving it, and what replaces it.
#   Alpha versions that went without a deprecation window have equal
#   releases.
package lib.apis

import rego.v1

# lifecycle maps an apiVersion and kind to {deprecated, removed, replacement}.
lifecycle := {
	"extensions/v1beta1": {
		"DaemonSet": entry(9, 16, "apps/v1"),
		"Deployment": entry(9, 16, "apps/v1"),
		"ReplicaSet": entry(9, 16, "apps/v1"),
		"NetworkPolicy": entry(9, 16, "networking.k8s.io/v1"),
		"PodSecurityPolicy": entry(10, 16, "policy/v1beta1, itself removed in 1.25: use Pod Security Admission"),
		"Ingress": entry(14, 22, "networking.k8s.io/v1"),
	},
	"apps/v1beta1": {kind: entry(9, 16, "apps/v1") | some kind in ["Deployment", "StatefulSet", "ReplicaSet", "ControllerRevision"]},
	"apps/v1beta2": {kind: entry(9, 16, "apps/v1") | some kind in ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ControllerRevision"]},
	"networking.k8s.io/v1beta1": {kind: entry(19, 22, "networking.k8s.io/v1") | some kind in ["Ingress", "IngressClass"]},
	"rbac.authorization.k8s.io/v1beta1": rbac_kinds,
	"rbac.authorization.k8s.io/v1alpha1": rbac_kinds,
	"admissionregistration.k8s.io/v1beta1": {kind: entry(16, 22, "admissionregistration.k8s.io/v1") | some kind in ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"]},
	"apiextensions.k8s.io/v1beta1": {"CustomResourceDefinition": entry(16, 22, "apiextensions.k8s.io/v1")},
	"apiregistration.k8s.io/v1beta1": {"APIService": entry(19, 22, "apiregistration.k8s.io/v1")},
	"certificates.k8s.io/v1beta1": {"CertificateSigningRequest": entry(19, 22, "certificates.k8s.io/v1")},
	"coordination.k8s.io/v1beta1": {"Lease": entry(19, 22, "coordination.k8s.io/v1")},
	"scheduling.k8s.io/v1beta1": {"PriorityClass": entry(17, 22, "scheduling.k8s.io/v1")},
	"storage.k8s.io/v1beta1": {
		"CSIDriver": entry(19, 22, "storage.k8s.io/v1"),
		"CSINode": entry(17, 22, "storage.k8s.io/v1"),
		"StorageClass": entry(19, 22, "storage.k8s.io/v1"),
		"VolumeAttachment": entry(19, 22, "storage.k8s.io/v1"),
		"CSIStorageCapacity": entry(24, 27, "storage.k8s.io/v1"),
	},
	"batch/v2alpha1": {"CronJob": entry(21, 21, "batch/v1")},
	"batch/v1beta1": {"CronJob": entry(21, 25, "batch/v1")},
	"discovery.k8s.io/v1beta1": {"EndpointSlice": entry(21, 25, "discovery.k8s.io/v1")},
	"events.k8s.io/v1beta1": {"Event": entry(19, 25, "events.k8s.io/v1")},
	"autoscaling/v2beta1": {"HorizontalPodAutoscaler": entry(22, 25, "autoscaling/v2")},
	"autoscaling/v2beta2": {"HorizontalPodAutoscaler": entry(23, 26, "autoscaling/v2")},
	"policy/v1beta1": {
		"PodDisruptionBudget": entry(21, 25, "policy/v1"),
		"PodSecurityPolicy": entry(21, 25, "nothing: PodSecurityPolicy is gone; use Pod Security Admission (namespace labels)"),
	},
	"node.k8s.io/v1beta1": {"RuntimeClass": entry(20, 25, "node.k8s.io/v1")},
	"flowcontrol.apiserver.k8s.io/v1beta1": flowcontrol_kinds(23, 26),
	"flowcontrol.apiserver.k8s.io/v1beta2": flowcontrol_kinds(26, 29),
	"flowcontrol.apiserver.k8s.io/v1beta3": flowcontrol_kinds(29, 32),
}

entry(deprecated, removed, replacement) := {"deprecated": deprecated, "removed": removed, "replacement": replacement}

rbac_kinds := {kind: entry(17, 22, "rbac.authorization.k8s.io/v1") |
	some kind in ["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"]
}

flowcontrol_kinds(deprecated, removed) := {kind: entry(deprecated, removed, "flowcontrol.apiserver.k8s.io/v1") |
	some kind in ["FlowSchema", "PriorityLevelConfiguration"]
}

# of is the lifecycle entry of an object, undefined for a current version.
of(obj) := lifecycle[obj.apiVersion][obj.kind]

# minor is the minor release of a version string (1.31, v1.31.2).
minor(version) := to_number(split(trim_prefix(version, "v"), ".")[1])
