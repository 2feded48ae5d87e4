# METADATA
# title: Reading Secrets is granted only by approved roles
# description: >-
#   get, list or watch on secrets reveals every credential in its scope; list
#   and watch return Secret values too. A role that grants them, directly or
#   through "*", must be in approvedRoles.
# custom:
#   id: SS-IAM-004
#   severity: high
#   requirements: [IAM-08]
#   frameworks:
#     cis-k8s: ["5.1.2"]
#     cis-aks: ["4.1.2"]
#     mcsb: [PA-7, DP-6]
#     nsa-cisa: [Authentication and authorization]
#     mitre: [T1552.007]
#   kinds: [rbac.authorization.k8s.io/Role, rbac.authorization.k8s.io/ClusterRole]
#   remediation: Remove secret read access, mount the Secrets the workload needs instead, or grant it through a role in settings.approvedRoles.
#   parameters:
#     type: object
#     properties:
#       approvedRoles:
#         type: array
#         default: []
#         items: {type: object, properties: {kind: {type: string}, name: {type: string}, namespace: {type: string}}, required: [kind, name]}
package shipshape.iam.secrets_read

import rego.v1

import data.lib.rbac

violation contains {"msg": msg, "details": {"field": rbac.rule_path(i)}} if {
	not rbac.approved(input.parameters.approvedRoles)
	some [i, rule] in rbac.rules
	verbs := [verb | some verb in ["get", "list", "watch"]; rbac.grants(rule, verb, "", "secrets")]
	count(verbs) > 0
	msg := sprintf("%s rule %d grants %s on secrets; remove it or grant it only through an approved role", [rbac.role_label, i, concat(", ", verbs)])
}
