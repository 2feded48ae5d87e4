# METADATA
# title: Namespace helpers
# description: >-
#   Decides whether a namespace is a production namespace, from its labels
#   (the Namespace object under review, or the one in the inventory) and the
#   productionNamespaceSelector setting.
package lib.namespaces

import rego.v1

import data.lib.inventory
import data.lib.k8s
import data.lib.selectors

# labels_of returns the labels of namespace ns from the inventory ({} when
# the Namespace is not known).
labels_of(ns) := k8s.get(k8s.get(inventory.namespace_object(ns), "metadata", {}), "labels", {})

# is_production is true when namespace ns matches the selector. A namespace
# the inventory does not hold cannot be shown to be production.
is_production(ns, selector) if {
	count(object.get(selector, "matchLabels", {})) + count(object.get(selector, "matchExpressions", [])) > 0
	selectors.matches(selector, labels_of(ns))
}

# object_is_production is true when the object under review lands in a
# production namespace.
object_is_production(selector) if is_production(k8s.namespace, selector)

# matches_any is true when namespace ns matches one of the patterns, read as
# Gatekeeper reads excludedNamespaces: "kube-*" is a prefix, "*-system" a
# suffix, "*mid*" a substring, anything else an exact name.
matches_any(ns, patterns) if {
	some pattern in patterns
	matches(ns, pattern)
}

# matches is Gatekeeper's wildcard match: a * at both ends, at the start or
# at the end, else the exact name.
matches(ns, pattern) := contains(ns, trim_suffix(trim_prefix(pattern, "*"), "*")) if {
	startswith(pattern, "*")
	endswith(pattern, "*")
} else := endswith(ns, trim_prefix(pattern, "*")) if {
	startswith(pattern, "*")
} else := startswith(ns, trim_suffix(pattern, "*")) if {
	endswith(pattern, "*")
} else := ns == pattern
