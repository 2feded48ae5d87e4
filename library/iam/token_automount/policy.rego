# METADATA
# title: Service account tokens are mounted only where needed
# description: >-
#   A pod gets an API token unless it, or its ServiceAccount, sets
#   automountServiceAccountToken: false; the pod's setting wins. A token in
#   a compromised pod is a foothold on the API. Pods whose ServiceAccount is
#   in approvedServiceAccounts (they need the API) may mount it. The
#   ServiceAccount is looked up in the inventory; one that is not there
#   cannot vouch for the pod.
# custom:
#   id: SS-IAM-011
#   severity: medium
#   requirements: [IAM-12]
#   frameworks:
#     cis-k8s: ["5.1.6"]
#     cis-aks: ["4.1.6"]
#     mcsb: [IM-3]
#     nsa-cisa: [Kubernetes Pod security]
#     mitre: [T1528]
#   kinds: [workloads]
#   sync: [v1/ServiceAccount]
#   remediation: Set automountServiceAccountToken to false on the pod or its ServiceAccount, or approve the ServiceAccount if the workload calls the API.
#   parameters:
#     type: object
#     properties:
#       approvedServiceAccounts:
#         type: array
#         default: []
#         items: {type: object, properties: {name: {type: string}, namespace: {type: string}}, required: [name, namespace]}
package shipshape.iam.token_automount

import rego.v1

import data.lib.inventory
import data.lib.k8s
import data.lib.pods

field := pods.spec_field(["automountServiceAccountToken"])

violation contains {"msg": msg, "details": {"field": field}} if {
	pods.spec.automountServiceAccountToken == true
	not approved
	msg := sprintf("%s sets %s to true but ServiceAccount %q is not approved to call the API; set it to false or approve the ServiceAccount", [k8s.label, k8s.path_string(field), pods.service_account])
}

# A control-plane static pod gets no token: mirror pods cannot use
# ServiceAccounts.
violation contains {"msg": msg, "details": {"field": field}} if {
	pods.spec
	not pods.control_plane_static_pod
	not "automountServiceAccountToken" in object.keys(pods.spec)
	not approved
	some problem in account_problem
	msg := sprintf("%s mounts a service account token: %s; set %s to false", [k8s.label, problem, k8s.path_string(field)])
}

account_problem contains sprintf("ServiceAccount %q is not in the scanned objects, so nothing turns automount off", [pods.service_account]) if {
	count(accounts) == 0
}

account_problem contains sprintf("ServiceAccount %q does not set automountServiceAccountToken to false", [pods.service_account]) if {
	some account in accounts
	not account.automountServiceAccountToken == false
}

accounts := [a | some a in inventory.namespaced(k8s.namespace, "", "ServiceAccount"); a.metadata.name == pods.service_account]

approved if {
	some entry in input.parameters.approvedServiceAccounts
	entry.name == pods.service_account
	entry.namespace == k8s.namespace
}
