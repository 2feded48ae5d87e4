# METADATA
# title: ServiceAccount tokens and PersistentVolumes are created only by approved roles
# description: >-
#   create on serviceaccounts/token mints a token for any ServiceAccount the
#   role reaches, and so acts as it; create on persistentvolumes can define
#   a hostPath volume that any claim then mounts, the node's filesystem
#   included. A role that grants either must be in approvedRoles.
# custom:
#   id: SS-IAM-017
#   severity: medium
#   requirements: [IAM-19]
#   frameworks:
#     mcsb: [PA-7]
#     nsa-cisa: [Authentication and authorization]
#     mitre: [T1528, T1611]
#   kinds: [rbac.authorization.k8s.io/Role, rbac.authorization.k8s.io/ClusterRole]
#   remediation: Let workloads get tokens through projected volumes, and storage classes provision volumes; list a role that truly needs these in settings.approvedRoles.
#   parameters:
#     type: object
#     properties:
#       approvedRoles:
#         type: array
#         default: []
#         items: {type: object, properties: {kind: {type: string}, name: {type: string}, namespace: {type: string}}, required: [kind, name]}
package shipshape.iam.token_and_volume_creation

import rego.v1

import data.lib.rbac

targets := [
	{"group": "", "resource": "serviceaccounts/token", "verbs": ["create"]},
	{"group": "", "resource": "persistentvolumes", "verbs": ["create"]},
]

violation contains {"msg": msg, "details": {"field": rbac.rule_path(i)}} if {
	some [i, grants] in rbac.sensitive(targets, input.parameters.approvedRoles)
	msg := sprintf("%s rule %d grants %s; remove it or grant it only through an approved role", [rbac.role_label, i, concat(", ", sort(grants))])
}
