# METADATA
# title: Label selector helpers
# description: >-
#   Kubernetes label selector semantics (matchLabels and matchExpressions
#   with In, NotIn, Exists, DoesNotExist), shared by controls that relate
#   objects to each other (PodDisruptionBudgets, NetworkPolicies,
#   production namespaces).
package lib.selectors

import rego.v1

# matches is true when labels satisfy selector. An empty selector matches
# everything; a null or missing selector matches nothing.
matches(selector, labels) if {
	is_object(selector)
	every key, value in object.get(selector, "matchLabels", {}) {
		object.get(labels, key, null) == value
	}
	every expression in object.get(selector, "matchExpressions", []) {
		expression_matches(expression, labels)
	}
}

expression_matches(e, labels) if {
	e.operator == "In"
	labels[e.key] in object.get(e, "values", [])
}

# NotIn also matches objects without the key. (Written with a helper: in
# `not labels[k] in vs` an absent key would make the whole body undefined.)
expression_matches(e, labels) if {
	e.operator == "NotIn"
	not value_in(labels, e.key, object.get(e, "values", []))
}

value_in(labels, key, values) if labels[key] in values

expression_matches(e, labels) if {
	e.operator == "Exists"
	e.key in object.keys(labels)
}

expression_matches(e, labels) if {
	e.operator == "DoesNotExist"
	not e.key in object.keys(labels)
}

# selects_all is true for a selector that matches every object: {} or one
# with nothing in it.
selects_all(selector) if {
	is_object(selector)
	count(object.get(selector, "matchLabels", {})) == 0
	count(object.get(selector, "matchExpressions", [])) == 0
}
