# METADATA
# title: nodes/proxy is granted only by approved roles
# description: >-
#   nodes/proxy lets a caller reach the kubelet API of every node through
#   the API server: run commands in any container, read any pod's logs and
#   environment, with no pods/exec rule and no audit of the container
#   commands. Even get suffices for exec over a WebSocket. A role that grants
#   any verb on it, directly or through "*", "nodes/*" or "*/proxy", must be
#   in approvedRoles.
# custom:
#   id: SS-IAM-014
#   severity: high
#   requirements: [IAM-16]
#   frameworks:
#     mcsb: [PA-7]
#     nsa-cisa: [Authentication and authorization]
#     mitre: [T1609, T1078]
#   kinds: [rbac.authorization.k8s.io/Role, rbac.authorization.k8s.io/ClusterRole]
#   remediation: Remove nodes/proxy from the rule (metrics agents need nodes/metrics or nodes/stats), or list the role in settings.approvedRoles.
#   parameters:
#     type: object
#     properties:
#       approvedRoles:
#         type: array
#         default: []
#         items: {type: object, properties: {kind: {type: string}, name: {type: string}, namespace: {type: string}}, required: [kind, name]}
package shipshape.iam.nodes_proxy

import rego.v1

import data.lib.rbac

targets := [{"group": "", "resource": "nodes/proxy", "verbs": ["get", "create", "update", "patch", "delete"]}]

violation contains {"msg": msg, "details": {"field": rbac.rule_path(i)}} if {
	some [i, grants] in rbac.sensitive(targets, input.parameters.approvedRoles)
	msg := sprintf("%s rule %d grants %s, which reaches every kubelet's API (exec included); remove it or grant it only through an approved role", [rbac.role_label, i, concat(", ", sort(grants))])
}
