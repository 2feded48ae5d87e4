# METADATA
# title: NetworkPolicies do not allow all traffic
# description: >-
#   A NetworkPolicy rule with no peers, an empty peer, a 0.0.0.0/0 or ::/0
#   ipBlock without exceptions, or namespaceSelector: {} (every pod of every
#   namespace) opens its pods to everything in that direction, undoing the
#   segmentation network policies exist for. Policies in approvedPolicies
#   (namespace/name) may do so.
# custom:
#   id: SS-NET-002
#   severity: medium
#   requirements: [NET-04]
#   frameworks:
#     cis-k8s: ["5.3.2"]
#     mcsb: [NS-1]
#     nsa-cisa: [Network separation and hardening]
#     mitre: [T1210]
#   kinds: [networking.k8s.io/NetworkPolicy]
#   remediation: Name the peers the pods need (pod and namespace selectors, or CIDRs with exceptions), or approve the policy.
#   parameters:
#     type: object
#     properties:
#       approvedPolicies:
#         type: array
#         items: {type: string}
#         default: []
package shipshape.net.policy_allow_all

import rego.v1

import data.lib.k8s
import data.lib.netpol

violation contains {"msg": msg, "details": {"field": ["spec", netpol.rule_field[direction], i]}} if {
	not concat("/", [k8s.namespace, k8s.name]) in input.parameters.approvedPolicies
	some direction in netpol.policy_types(k8s.resource)
	some i, rule in netpol.rules(k8s.resource, direction)
	reason := netpol.allows_all(rule, direction)
	reason != ""
	msg := sprintf("%s %s rule %d allows every peer %s: %s; name the required peers or approve the policy", [k8s.label, lower(direction), i, ports(rule), reason])
}

# ports says which ports a rule opens: every port when it lists none.
ports(rule) := sprintf("on port(s) %s", [concat(", ", [port_label(p) | some p in rule.ports])]) if {
	count(k8s.get(rule, "ports", [])) > 0
} else := "on every port"

port_label(p) := sprintf("%v/%s", [k8s.get(p, "port", "*"), k8s.get(p, "protocol", "TCP")])
