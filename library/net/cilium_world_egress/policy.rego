# METADATA
# title: Cilium policies do not open egress to the world
# description: >-
#   With Cilium, egress should be limited at layer 7 to named destinations
#   (toFQDNs). A CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy egress
#   rule with toEntities world or all, or a 0.0.0.0/0 or ::/0 toCIDR(Set)
#   without exceptions, lets pods reach any address. Policies in
#   approvedPolicies (namespace/name, or name for cluster-wide) may.
# custom:
#   id: SS-NET-009
#   severity: medium
#   requirements: [NET-12, NET-05]
#   frameworks:
#     mcsb: [NS-1]
#     nsa-cisa: [Network separation and hardening]
#     mitre: [T1041]
#   kinds: [cilium.io/CiliumNetworkPolicy, cilium.io/CiliumClusterwideNetworkPolicy]
#   remediation: Replace the rule with toFQDNs (matchName or matchPattern) or specific CIDRs.
#   parameters:
#     type: object
#     properties:
#       approvedPolicies:
#         type: array
#         items: {type: string}
#         default: []
package shipshape.net.cilium_world_egress

import rego.v1

import data.lib.k8s

world_cidrs := {"0.0.0.0/0", "::/0"}

# specs lists the policy's rule sets with their paths: spec, and specs[i]
# (one that is not an object has no egress rules: k8s.get reads none).
specs contains [["spec"], k8s.resource.spec]

specs contains [["specs", i], s] if {
	some i, s in k8s.resource.specs
}

identity := concat("/", [k8s.namespace, k8s.name]) if {
	k8s.namespace != ""
} else := k8s.name

violation contains {"msg": msg, "details": {"field": array.concat(path, ["egress", j])}} if {
	not identity in input.parameters.approvedPolicies
	some [path, spec] in specs
	some j, rule in k8s.get(spec, "egress", [])
	some reason in open_reasons(rule)
	msg := sprintf("%s egress rule %d %s; use toFQDNs or specific CIDRs", [k8s.label, j, reason])
}

open_reasons(rule) := ({reason |
	some entity in k8s.get(rule, "toEntities", [])
	lower(entity) in {"world", "all"}
	reason := sprintf("allows toEntities %q", [entity])
} | {reason |
	some cidr in k8s.get(rule, "toCIDR", [])
	cidr in world_cidrs
	reason := sprintf("allows toCIDR %s", [cidr])
}) | {reason |
	some set in k8s.get(rule, "toCIDRSet", [])
	set.cidr in world_cidrs
	count(k8s.get(set, "except", [])) == 0
	reason := sprintf("allows toCIDRSet %s without exceptions", [set.cidr])
}
