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
#   requirements: [GOV-02, GOV-04]
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

import data.lib.apis
import data.lib.k8s

# target_minor is the minor release of kubernetesVersion.
target_minor := apis.minor(input.parameters.kubernetesVersion)

violation contains {"msg": msg, "details": {"field": ["apiVersion"]}} if {
	api := apis.of(k8s.resource)
	api.removed <= target_minor
	msg := sprintf("%s uses %s, which Kubernetes 1.%d removed (target %s); use %s", [k8s.label, k8s.resource.apiVersion, api.removed, input.parameters.kubernetesVersion, api.replacement])
}
