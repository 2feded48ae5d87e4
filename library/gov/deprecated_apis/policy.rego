# METADATA
# title: Objects do not use API versions deprecated at the target release
# description: >-
#   An API version that Kubernetes has deprecated still works until the
#   release that removes it, and then the object cannot be applied: the
#   upgrade fails or the object is lost from a GitOps sync. This control
#   names each object still written against a deprecated version at the
#   target release in kubernetesVersion, with the release that removes it
#   and what replaces it, from the deprecated API migration guide (1.16 on).
#   Versions already removed at the target are SS-K8S-002's.
# custom:
#   id: SS-GOV-002
#   severity: low
#   requirements: [GOV-04]
#   frameworks:
#     mcsb: [PV-2]
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
#   remediation: Move the object to the replacement API version before the cluster is upgraded to the release that removes the old one (kubectl convert, or rewrite the fields that changed).
package shipshape.gov.deprecated_apis

import rego.v1

import data.lib.apis
import data.lib.k8s

target_minor := apis.minor(input.parameters.kubernetesVersion)

violation contains {"msg": msg, "details": {"field": ["apiVersion"]}} if {
	api := apis.of(k8s.resource)
	api.deprecated <= target_minor
	target_minor < api.removed
	msg := sprintf("%s uses %s, deprecated since Kubernetes 1.%d and removed in 1.%d (target %s); move it to %s before upgrading", [k8s.label, k8s.resource.apiVersion, api.deprecated, api.removed, input.parameters.kubernetesVersion, api.replacement])
}
