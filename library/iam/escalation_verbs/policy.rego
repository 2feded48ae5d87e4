# METADATA
# title: Roles do not grant escalate, bind or impersonate
# description: >-
#   escalate lets a user grant permissions they do not hold, bind lets them
#   bind any role, and impersonate lets them act as any user, group or
#   service account. Roles granting them (directly or through "*") must be in
#   approvedRoles.
# custom:
#   id: SS-IAM-005
#   severity: critical
#   requirements: [IAM-09]
#   frameworks:
#     cis-k8s: ["5.1.8"]
#     mcsb: [PA-7]
#     nsa-cisa: [Authentication and authorization]
#     mitre: [T1078, T1098]
#   kinds: [rbac.authorization.k8s.io/Role, rbac.authorization.k8s.io/ClusterRole]
#   remediation: Remove the escalate, bind and impersonate permissions, or grant them only through a role in settings.approvedRoles.
#   parameters:
#     type: object
#     properties:
#       approvedRoles:
#         type: array
#         default: []
#         items: {type: object, properties: {kind: {type: string}, name: {type: string}, namespace: {type: string}}, required: [kind, name]}
package shipshape.iam.escalation_verbs

import rego.v1

import data.lib.rbac

# sensitive lists [verb, group, resource] combinations that escalate.
sensitive := [
	["escalate", "rbac.authorization.k8s.io", "roles"],
	["escalate", "rbac.authorization.k8s.io", "clusterroles"],
	["bind", "rbac.authorization.k8s.io", "roles"],
	["bind", "rbac.authorization.k8s.io", "clusterroles"],
	["impersonate", "", "users"],
	["impersonate", "", "groups"],
	["impersonate", "", "serviceaccounts"],
	["impersonate", "authentication.k8s.io", "userextras"],
	["impersonate", "authentication.k8s.io", "uids"],
]

violation contains {"msg": msg, "details": {"field": rbac.rule_path(i)}} if {
	not rbac.approved(input.parameters.approvedRoles)
	some [i, rule] in rbac.rules
	grants := {sprintf("%s on %s", [verb, resource]) | some [verb, group, resource] in sensitive; rbac.grants(rule, verb, group, resource)}
	count(grants) > 0
	msg := sprintf("%s rule %d grants %s, which allow privilege escalation; remove them or use an approved role", [rbac.role_label, i, concat(", ", sort(grants))])
}
