# METADATA
# title: exec, attach and port-forward are granted only by approved roles
# description: >-
#   pods/exec, pods/attach and pods/portforward let a user run commands in,
#   or tunnel into, any container the role reaches, bypassing the
#   application. A role that grants create or get on them, directly or
#   through "*", "pods/*" or "*/exec", must be in approvedRoles.
# custom:
#   id: SS-IAM-003
#   severity: high
#   requirements: [IAM-07]
#   frameworks:
#     mcsb: [PA-7]
#     nsa-cisa: [Authentication and authorization]
#     mitre: [T1609]
#   kinds: [rbac.authorization.k8s.io/Role, rbac.authorization.k8s.io/ClusterRole]
#   remediation: Remove the rule, or grant it through a reviewed role listed in settings.approvedRoles.
#   parameters:
#     type: object
#     properties:
#       approvedRoles:
#         type: array
#         default: []
#         items: {type: object, properties: {kind: {type: string}, name: {type: string}, namespace: {type: string}}, required: [kind, name]}
package shipshape.iam.exec_attach

import rego.v1

import data.lib.rbac

targets := [{"group": "", "resource": resource, "verbs": ["create", "get"]} | some resource in ["pods/exec", "pods/attach", "pods/portforward"]]

violation contains {"msg": msg, "details": {"field": rbac.rule_path(i)}} if {
	some [i, grants] in rbac.sensitive(targets, input.parameters.approvedRoles)
	msg := sprintf("%s rule %d grants %s; remove it or grant it only through an approved role", [rbac.role_label, i, concat(", ", sort(grants))])
}
