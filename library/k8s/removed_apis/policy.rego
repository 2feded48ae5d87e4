# METADATA
# title: Objects use API versions the target Kubernetes release serves
# description: >-
#   An object written against an API version that Kubernetes has removed
#   (a Deployment of extensions/v1beta1, a CronJob of batch/v1beta1, a
#   PodSecurityPolicy) cannot be applied to a current cluster, and tools that
#   match on the current group may skip it. shipshape judges such objects by
#   their shape all the same, and this control says which release removed the
#   version and what replaces it, for the target release in
#   kubernetesVersion. An API server that no longer serves the version
#   rejects the object before any admission webhook sees it, so this
#   control runs offline only.
# custom:
#   id: SS-K8S-002
#   severity: medium
#   requirements: [GOV-02]
#   frameworks:
#     mcsb: [PV-2]
#   admission: false
#   kinds:
#     - extensions/DaemonSet
#     - extensions/Deployment
#     - extensions/ReplicaSet
#     - extensions/NetworkPolicy
#     - extensions/PodSecurityPolicy
#     - extensions/Ingress
#     - apps/Deployment
#     - apps/StatefulSet
#     - apps/DaemonSet
#     - apps/ReplicaSet
#     - apps/ControllerRevision
#     - networking.k8s.io/Ingress
#     - networking.k8s.io/IngressClass
#     - rbac.authorization.k8s.io/Role
#     - rbac.authorization.k8s.io/RoleBinding
#     - rbac.authorization.k8s.io/ClusterRole
#     - rbac.authorization.k8s.io/ClusterRoleBinding
#     - admissionregistration.k8s.io/MutatingWebhookConfiguration
#     - admissionregistration.k8s.io/ValidatingWebhookConfiguration
#     - apiextensions.k8s.io/CustomResourceDefinition
#     - apiregistration.k8s.io/APIService
#     - certificates.k8s.io/CertificateSigningRequest
#     - coordination.k8s.io/Lease
#     - scheduling.k8s.io/PriorityClass
#     - storage.k8s.io/CSIDriver
#     - storage.k8s.io/CSINode
#     - storage.k8s.io/StorageClass
#     - storage.k8s.io/VolumeAttachment
#     - storage.k8s.io/CSIStorageCapacity
#     - batch/CronJob
#     - discovery.k8s.io/EndpointSlice
#     - events.k8s.io/Event
#     - autoscaling/HorizontalPodAutoscaler
#     - policy/PodDisruptionBudget
#     - policy/PodSecurityPolicy
#     - node.k8s.io/RuntimeClass
#     - flowcontrol.apiserver.k8s.io/FlowSchema
#     - flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration
#   parameters:
#     type: object
#     additionalProperties: false
#     properties:
#       kubernetesVersion:
#         description: The Kubernetes release the manifests target (1.MINOR, or 1.MINOR.PATCH); versions removed in it or earlier are reported. It is the kubernetesVersion setting (--kube-version).
#         type: string
#         pattern: "^v?1\\.[0-9]+(\\.[0-9]+)?$"
#         default: "1.37"
#   remediation: Move the object to the API version that replaces the removed one (kubectl convert, or rewrite the fields that changed), and set kubernetesVersion to the release your clusters run.
package shipshape.k8s.removed_apis

import rego.v1

import data.lib.k8s

# removed maps an apiVersion and kind to the minor release that removed it
# and what replaces it (from the Kubernetes deprecated API migration guide).
removed := {
	"extensions/v1beta1": {
		"DaemonSet": [16, "apps/v1"],
		"Deployment": [16, "apps/v1"],
		"ReplicaSet": [16, "apps/v1"],
		"NetworkPolicy": [16, "networking.k8s.io/v1"],
		"PodSecurityPolicy": [16, "policy/v1beta1, itself removed in 1.25: use Pod Security Admission"],
		"Ingress": [22, "networking.k8s.io/v1"],
	},
	"apps/v1beta1": {
		"Deployment": [16, "apps/v1"],
		"StatefulSet": [16, "apps/v1"],
		"ReplicaSet": [16, "apps/v1"],
		"ControllerRevision": [16, "apps/v1"],
	},
	"apps/v1beta2": {
		"Deployment": [16, "apps/v1"],
		"StatefulSet": [16, "apps/v1"],
		"DaemonSet": [16, "apps/v1"],
		"ReplicaSet": [16, "apps/v1"],
		"ControllerRevision": [16, "apps/v1"],
	},
	"networking.k8s.io/v1beta1": {
		"Ingress": [22, "networking.k8s.io/v1"],
		"IngressClass": [22, "networking.k8s.io/v1"],
	},
	"rbac.authorization.k8s.io/v1beta1": rbac_kinds(22),
	"rbac.authorization.k8s.io/v1alpha1": rbac_kinds(22),
	"admissionregistration.k8s.io/v1beta1": {
		"MutatingWebhookConfiguration": [22, "admissionregistration.k8s.io/v1"],
		"ValidatingWebhookConfiguration": [22, "admissionregistration.k8s.io/v1"],
	},
	"apiextensions.k8s.io/v1beta1": {"CustomResourceDefinition": [22, "apiextensions.k8s.io/v1"]},
	"apiregistration.k8s.io/v1beta1": {"APIService": [22, "apiregistration.k8s.io/v1"]},
	"certificates.k8s.io/v1beta1": {"CertificateSigningRequest": [22, "certificates.k8s.io/v1"]},
	"coordination.k8s.io/v1beta1": {"Lease": [22, "coordination.k8s.io/v1"]},
	"scheduling.k8s.io/v1beta1": {"PriorityClass": [22, "scheduling.k8s.io/v1"]},
	"storage.k8s.io/v1beta1": {
		"CSIDriver": [22, "storage.k8s.io/v1"],
		"CSINode": [22, "storage.k8s.io/v1"],
		"StorageClass": [22, "storage.k8s.io/v1"],
		"VolumeAttachment": [22, "storage.k8s.io/v1"],
		"CSIStorageCapacity": [27, "storage.k8s.io/v1"],
	},
	"batch/v2alpha1": {"CronJob": [21, "batch/v1"]},
	"batch/v1beta1": {"CronJob": [25, "batch/v1"]},
	"discovery.k8s.io/v1beta1": {"EndpointSlice": [25, "discovery.k8s.io/v1"]},
	"events.k8s.io/v1beta1": {"Event": [25, "events.k8s.io/v1"]},
	"autoscaling/v2beta1": {"HorizontalPodAutoscaler": [25, "autoscaling/v2"]},
	"autoscaling/v2beta2": {"HorizontalPodAutoscaler": [26, "autoscaling/v2"]},
	"policy/v1beta1": {
		"PodDisruptionBudget": [25, "policy/v1"],
		"PodSecurityPolicy": [25, "nothing: PodSecurityPolicy is gone; use Pod Security Admission (namespace labels)"],
	},
	"node.k8s.io/v1beta1": {"RuntimeClass": [25, "node.k8s.io/v1"]},
	"flowcontrol.apiserver.k8s.io/v1beta1": flowcontrol_kinds(26),
	"flowcontrol.apiserver.k8s.io/v1beta2": flowcontrol_kinds(29),
	"flowcontrol.apiserver.k8s.io/v1beta3": flowcontrol_kinds(32),
}

rbac_kinds(minor) := {kind: [minor, "rbac.authorization.k8s.io/v1"] |
	some kind in ["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"]
}

flowcontrol_kinds(minor) := {kind: [minor, "flowcontrol.apiserver.k8s.io/v1"] |
	some kind in ["FlowSchema", "PriorityLevelConfiguration"]
}

# target_minor is the minor release of kubernetesVersion.
target_minor := to_number(split(input.parameters.kubernetesVersion, ".")[1])

violation contains {"msg": msg, "details": {"field": ["apiVersion"]}} if {
	[minor, replacement] := removed[k8s.resource.apiVersion][k8s.resource.kind]
	minor <= target_minor
	msg := sprintf("%s uses %s, which Kubernetes 1.%d removed (target %s); use %s", [k8s.label, k8s.resource.apiVersion, minor, input.parameters.kubernetesVersion, replacement])
}
