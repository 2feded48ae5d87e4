# METADATA
# title: Legacy pod-managed identity is not used
# description: >-
#   AAD Pod Identity (the aadpodidbinding label and the AzureIdentity,
#   AzureIdentityBinding and AzurePodIdentityException objects) is deprecated
#   and intercepts the node's instance metadata endpoint; Microsoft Entra
#   Workload ID replaces it with federated tokens.
# custom:
#   id: SS-IAM-012
#   severity: high
#   requirements: [IAM-13]
#   frameworks:
#     mcsb: [IM-3]
#     mitre: [T1552.005]
#   kinds:
#     - workloads
#     - aadpodidentity.k8s.io/AzureIdentity
#     - aadpodidentity.k8s.io/AzureIdentityBinding
#     - aadpodidentity.k8s.io/AzurePodIdentityException
#   remediation: Move to Microsoft Entra Workload ID (a ServiceAccount with azure.workload.identity/client-id and the azure.workload.identity/use label on the pod).
package shipshape.iam.pod_identity_legacy

import rego.v1

import data.lib.k8s
import data.lib.pods

violation contains {"msg": msg, "details": {"field": ["metadata"]}} if {
	k8s.group == "aadpodidentity.k8s.io"
	msg := sprintf("%s is an AAD Pod Identity object, which is deprecated; use Microsoft Entra Workload ID instead", [k8s.label])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	pods.is_workload
	some [field, labels] in [[["metadata", "labels", "aadpodidbinding"], k8s.labels], [pods.metadata_field(["labels", "aadpodidbinding"]), pods.labels]]
	"aadpodidbinding" in object.keys(labels)
	msg := sprintf("%s uses the AAD Pod Identity label %s; remove it and use Microsoft Entra Workload ID", [k8s.label, k8s.path_string(field)])
}
