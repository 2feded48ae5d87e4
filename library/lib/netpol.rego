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
	# The first open peer, when there are several (reasons[0] is undefined
	# when no peer is open, which falls through to "").
	reasons := [reason |
		some peer in rule[peer_field[direction]]
		reason := open_peer(peer)
	]
} else := ""

# empty is true for null and {}: written as two rules, as OPA's rule index
# (in Gatekeeper's OPA) cannot hold an object literal in a set.
empty(peer) if peer == null

empty(peer) if {
	is_object(peer)
	count(peer) == 0
}

# An empty peer is {} or null (an item left empty in YAML, which the API
# server reads as {}).
open_peer(peer) := "it has an empty peer" if {
	empty(peer)
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

# Cilium and Calico policies enforce a namespace's default deny as well when
# the cluster runs them (the seeds name Cilium as the engine; AKS offers
# both): the helpers below say when one does.

# cilium_namespace_keys are the labels Cilium gives every endpoint for its
# namespace; an endpoint selector naming only them selects whole namespaces.
cilium_namespace_keys := {"k8s:io.kubernetes.pod.namespace", "io.kubernetes.pod.namespace"}

# cilium_specs are a Cilium policy's rules: spec, specs or both (one that
# is not a mapping has no endpointSelector, so it selects nothing).
cilium_specs(policy) := array.concat(
	[s | s := policy.spec],
	[s | some s in object.get(policy, "specs", [])],
)

# cilium_selects_namespace is true when a rule's endpointSelector selects
# every pod of namespace ns: empty, or naming only the namespace labels.
cilium_selects_namespace(rule, ns) if {
	selector := rule.endpointSelector
	every key, _ in object.get(selector, "matchLabels", {}) {
		key in cilium_namespace_keys
	}
	every e in object.get(selector, "matchExpressions", []) {
		e.key in cilium_namespace_keys
	}
	selectors.matches(selector, {key: ns | some key in cilium_namespace_keys})
}

cilium_rule_field := {"Ingress": ["ingress", "ingressDeny"], "Egress": ["egress", "egressDeny"]}

cilium_default_field := {"Ingress": "ingress", "Egress": "egress"}

# cilium_peer_fields are the fields of a Cilium rule that name its peers.
cilium_peer_fields := {
	"Ingress": ["fromEndpoints", "fromEntities", "fromCIDR", "fromCIDRSet", "fromRequires", "fromGroups", "fromNodes"],
	"Egress": ["toEndpoints", "toEntities", "toCIDR", "toCIDRSet", "toRequires", "toGroups", "toNodes", "toFQDNs", "toServices"],
}

# cilium_allows_all is true for an allow rule that lets every peer in:
# ports without peers (Cilium then allows every source), the entities all,
# world or cluster (every endpoint of the cluster), a world CIDR without
# exceptions, or every endpoint of every namespace.
cilium_allows_all(rule, direction, _) if {
	count(rule) > 0
	every field in cilium_peer_fields[direction] {
		not rule[field]
	}
}

cilium_allows_all(rule, direction, _) if {
	some entity in object.get(rule, sprintf("%sEntities", [{"Ingress": "from", "Egress": "to"}[direction]]), [])
	entity in {"all", "world", "cluster"}
}

cilium_allows_all(rule, direction, _) if {
	prefix := {"Ingress": "from", "Egress": "to"}[direction]
	some cidr in object.get(rule, sprintf("%sCIDR", [prefix]), [])
	cidr in {"0.0.0.0/0", "::/0"}
}

cilium_allows_all(rule, direction, _) if {
	prefix := {"Ingress": "from", "Egress": "to"}[direction]
	some set in object.get(rule, sprintf("%sCIDRSet", [prefix]), [])
	set.cidr in {"0.0.0.0/0", "::/0"}
	count(object.get(set, "except", [])) == 0
}

cilium_allows_all(rule, direction, clusterwide) if {
	prefix := {"Ingress": "from", "Egress": "to"}[direction]
	some peer in object.get(rule, sprintf("%sEndpoints", [prefix]), [])
	cilium_every_endpoint(peer, clusterwide)
}

# cilium_every_endpoint is true for an endpoint selector that selects the
# endpoints of every namespace: {} in a clusterwide policy (in a
# namespaced one it means the policy's namespace), or only "the namespace
# label exists".
cilium_every_endpoint(peer, true) if selectors.selects_all(peer)

cilium_every_endpoint(peer, _) if {
	count(object.get(peer, "matchLabels", {})) == 0
	expressions := object.get(peer, "matchExpressions", [])
	count(expressions) > 0
	every e in expressions {
		e.key in cilium_namespace_keys
		e.operator == "Exists"
	}
}

# cilium_default_denies is true when a Cilium rule puts every pod of
# namespace ns into default deny for the direction (it has a section for
# it, enableDefaultDeny does not turn that off) and allows nothing to all.
cilium_default_denies(policy, ns, direction) if {
	clusterwide := policy.kind == "CiliumClusterwideNetworkPolicy"
	some rule in cilium_specs(policy)
	cilium_selects_namespace(rule, ns)
	object.get(rule, ["enableDefaultDeny", cilium_default_field[direction]], true) != false
	sections := [r | some field in cilium_rule_field[direction]; some r in object.get(rule, field, [])]
	count(sections) > 0
	every r in object.get(rule, cilium_default_field[direction], []) {
		not cilium_allows_all(r, direction, clusterwide)
	}
}

# calico_selects_namespace is true when a Calico selector expression
# selects every endpoint of namespace ns: empty or all(), or a conjunction
# of terms on the namespace label only (projectcalico.org/namespace ==,
# !=, in, not in, has()).
calico_selects_namespace(selector, _, _) if trim_space(selector) in {"", "all()"}

calico_selects_namespace(selector, ns, key) if {
	terms := [trim_space(t) | some t in split(selector, "&&")]
	every term in terms {
		calico_term_holds(term, ns, key)
	}
}

calico_term_holds(term, _, key) if term == sprintf("has(%s)", [key])

calico_term_holds(term, ns, key) if {
	[[_, op, value]] := regex.find_all_string_submatch_n(sprintf(`^%s\s*(==|!=)\s*['"]([^'"]*)['"]$`, [replace(key, ".", `\.`)]), term, 1)
	same := value == ns
	wanted := op == "=="
	same == wanted
}

calico_term_holds(term, ns, key) if {
	[[_, negated, list]] := regex.find_all_string_submatch_n(sprintf(`^%s\s*(not\s+)?in\s*\{([^}]*)\}$`, [replace(key, ".", `\.`)]), term, 1)
	values := {trim(trim_space(v), `'"`) | some v in split(list, ",")}
	listed := ns in values
	wanted := negated == ""
	listed == wanted
}

# calico_allows_all is true for an Allow rule without a source (ingress)
# or destination (egress) that restricts it, one that names every pod of
# every namespace (namespaceSelector all() and no narrower selector), or
# one with a world CIDR.
calico_allows_all(rule, direction) if {
	rule.action == "Allow"
	side := {"Ingress": "source", "Egress": "destination"}[direction]
	peer := object.get(rule, side, {})
	every field in ["selector", "namespaceSelector", "serviceAccounts", "services", "nets", "notNets", "notSelector"] {
		not peer[field]
	}
}

calico_allows_all(rule, direction) if {
	rule.action == "Allow"
	side := {"Ingress": "source", "Egress": "destination"}[direction]
	peer := object.get(rule, side, {})
	trim_space(peer.namespaceSelector) == "all()"
	trim_space(object.get(peer, "selector", "")) in {"", "all()"}
	every field in ["serviceAccounts", "services", "nets", "notNets", "notSelector"] {
		not peer[field]
	}
}

calico_allows_all(rule, direction) if {
	rule.action == "Allow"
	side := {"Ingress": "source", "Egress": "destination"}[direction]
	some net in object.get(rule, [side, "nets"], [])
	net in {"0.0.0.0/0", "::/0"}
}

# calico_default_denies is true when a Calico NetworkPolicy of namespace
# ns, or a GlobalNetworkPolicy, selects every pod of ns, governs the
# direction, and no rule of it allows all traffic in that direction.
calico_default_denies(policy, ns, direction) if {
	spec := object.get(policy, "spec", {})
	calico_selects_namespace(object.get(spec, "selector", ""), ns, "projectcalico.org/namespace")
	calico_selects_namespace(object.get(spec, "namespaceSelector", ""), ns, "projectcalico.org/name")
	direction in calico_types(spec)
	every rule in object.get(spec, lower(direction), []) {
		not calico_allows_all(rule, direction)
	}
}

# calico_types are the directions a Calico policy governs: its types, or
# Ingress plus Egress when it has egress rules.
calico_types(spec) := spec.types if {
	is_array(spec.types)
} else := ["Ingress", "Egress"] if {
	count(object.get(spec, "egress", [])) > 0
} else := ["Ingress"]
