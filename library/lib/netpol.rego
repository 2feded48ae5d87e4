# METADATA
# title: NetworkPolicy helpers
# description: >-
#   NetworkPolicy semantics: which directions a policy governs (policyTypes,
#   defaulted as the API server does), whether it selects every pod, and
#   whether a rule lets everything in or out.
package lib.netpol

import rego.v1

import data.lib.k8s
import data.lib.selectors

# policy_types returns the directions a policy governs: its policyTypes, or
# by default Ingress, plus Egress when it has egress rules.
policy_types(np) := types if {
	types := np.spec.policyTypes
	is_array(types)
} else := ["Ingress", "Egress"] if {
	count(k8s.get(np.spec, "egress", [])) > 0
} else := ["Ingress"]

# selects_all_pods is true when the policy's podSelector is empty.
selects_all_pods(np) if selectors.selects_all(np.spec.podSelector)

# peer_field names the peers of a rule in a direction.
peer_field := {"Ingress": "from", "Egress": "to"}

rule_field := {"Ingress": "ingress", "Egress": "egress"}

# rules returns the rules of a policy in a direction.
rules(np, direction) := k8s.get(np.spec, rule_field[direction], [])

# allows_all explains why a rule lets all traffic through ("" when it does
# not): no peers at all, a peer with nothing in it, a world ipBlock without
# exceptions, or every pod of every namespace.
allows_all(rule, direction) := "it names no peers" if {
	count(k8s.get(rule, peer_field[direction], [])) == 0
} else := reasons[0] if {
	# The first open peer, when there are several.
	reasons := [reason |
		some peer in rule[peer_field[direction]]
		reason := open_peer(peer)
	]
	count(reasons) > 0
} else := ""

open_peer(peer) := "it has an empty peer" if {
	is_object(peer)
	count(peer) == 0
} else := sprintf("it allows ipBlock %s without exceptions", [peer.ipBlock.cidr]) if {
	peer.ipBlock.cidr in {"0.0.0.0/0", "::/0"}
	count(k8s.get(peer.ipBlock, "except", [])) == 0
} else := "it allows every pod in every namespace (namespaceSelector: {})" if {
	selectors.selects_all(peer.namespaceSelector)
	selectors.selects_all(object.get(peer, "podSelector", {}))
}

# default_denies is true when the policy selects every pod, governs the
# direction, and none of its rules in that direction allows all traffic.
default_denies(np, direction) if {
	selects_all_pods(np)
	direction in policy_types(np)
	every rule in rules(np, direction) {
		allows_all(rule, direction) == ""
	}
}
