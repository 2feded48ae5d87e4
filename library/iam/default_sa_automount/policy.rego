# METADATA
# title: Default ServiceAccounts do not mount tokens
# description: >-
#   A namespace's default ServiceAccount must set
#   automountServiceAccountToken: false, so pods that name no service
#   account do not get an API token they did not ask for.
# custom:
#   id: SS-IAM-009
#   severity: medium
#   requirements: [IAM-10]
#   frameworks:
#     cis-k8s: ["5.1.5"]
#     cis-aks: ["4.1.5"]
#     mcsb: [IM-3]
#     nsa-cisa: [Kubernetes Pod security]
#     mitre: [T1528]
#   kinds: [ServiceAccount]
#   remediation: Set automountServiceAccountToken to false on the default ServiceAccount.
package shipshape.iam.default_sa_automount

import rego.v1

import data.lib.k8s

violation contains {"msg": msg, "details": {"field": ["automountServiceAccountToken"]}} if {
	k8s.name == "default"
	not k8s.resource.automountServiceAccountToken == false
	msg := sprintf("ServiceAccount %q in namespace %q does not set automountServiceAccountToken to false; set it to false", [k8s.name, k8s.namespace])
}
