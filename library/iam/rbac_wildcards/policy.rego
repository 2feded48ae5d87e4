# METADATA
# title: Roles use no wildcards
# description: >-
#   Least privilege: a Role or ClusterRole rule that grants "*" in verbs,
#   resources or apiGroups grants every permission of that kind, including
#   ones added to the cluster later. Each wildcard is reported unless the role
#   is in approvedRoles.
# custom:
#   id: SS-IAM-001
#   severity: high
#   requirements: [IAM-05]
#   frameworks:
#     cis-k8s: ["5.1.3"]
#     cis-aks: ["4.1.3"]
#     mcsb: [PA-7]
#     nsa-cisa: [Authentication and authorization]
#     mitre: [T1078]
#   kinds: [rbac.authorization.k8s.io/Role, rbac.authorization.k8s.io/ClusterRole]
#   remediation: List the verbs, resources and API groups the role needs instead of "*".
#   parameters:
#     type: object
#     properties:
#       approvedRoles:
#         type: array
#         default: []
#         items: {type: object, properties: {kind: {type: string}, name: {type: string}, namespace: {type: string}}, required: [kind, name]}
package shipshape.iam.rbac_wildcards

import rego.v1

import data.lib.rbac

violation contains {"msg": msg, "details": {"field": array.concat(rbac.rule_path(i), [field])}} if {
	not rbac.approved(input.parameters.approvedRoles)
	some [i, rule] in rbac.rules
	some field in ["verbs", "resources", "apiGroups"]
	"*" in object.get(rule, field, [])
	msg := sprintf("%s rule %d grants \"*\" in %s; list the %s the role needs (or add the role to approvedRoles)", [rbac.role_label, i, field, field])
}
