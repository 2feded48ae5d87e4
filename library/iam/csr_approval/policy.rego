# METADATA
# title: Certificate signing requests are approved only by approved roles
# description: >-
#   Whoever may approve certificate signing requests can mint a client
#   certificate for any user or group the signer accepts, system:masters
#   included with some signers. A role that grants update or patch on
#   certificatesigningrequests/approval, or approve on signers, must be in
#   approvedRoles.
# custom:
#   id: SS-IAM-015
#   severity: high
#   requirements: [IAM-17]
#   frameworks:
#     mcsb: [PA-7]
#     nsa-cisa: [Authentication and authorization]
#     mitre: [T1098, T1078]
#   kinds: [rbac.authorization.k8s.io/Role, rbac.authorization.k8s.io/ClusterRole]
#   remediation: Leave CSR approval to the controller manager and to a reviewed role listed in settings.approvedRoles.
#   parameters:
#     type: object
#     properties:
#       approvedRoles:
#         type: array
#         default: []
#         items: {type: object, properties: {kind: {type: string}, name: {type: string}, namespace: {type: string}}, required: [kind, name]}
package shipshape.iam.csr_approval

import rego.v1

import data.lib.rbac

targets := [
	{"group": "certificates.k8s.io", "resource": "certificatesigningrequests/approval", "verbs": ["update", "patch"]},
	{"group": "certificates.k8s.io", "resource": "signers", "verbs": ["approve"]},
]

violation contains {"msg": msg, "details": {"field": rbac.rule_path(i)}} if {
	some [i, grants] in rbac.sensitive(targets, input.parameters.approvedRoles)
	msg := sprintf("%s rule %d grants %s, so it can approve certificates for any identity; remove it or grant it only through an approved role", [rbac.role_label, i, concat(", ", sort(grants))])
}
