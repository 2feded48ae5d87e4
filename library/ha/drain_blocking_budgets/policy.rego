# METADATA
# title: PodDisruptionBudgets do not block node drains
# description: >-
#   A PodDisruptionBudget that allows no eviction stops every node drain,
#   upgrade and scale-down at the pods it selects, until someone deletes it
#   by hand: maxUnavailable 0 or "0%", minAvailable "100%", or minAvailable
#   at least the replicas of a workload it selects in its namespace (a
#   Deployment, StatefulSet, ReplicaSet or ReplicationController).
# custom:
#   id: SS-HA-003
#   severity: medium
#   requirements: [HA-07]
#   frameworks:
#     mcsb: ["BR-1"]
#   kinds: [policy/PodDisruptionBudget]
#   sync: [apps/v1/Deployment, apps/v1/StatefulSet, apps/v1/ReplicaSet, v1/ReplicationController]
#   remediation: Allow at least one disruption - maxUnavailable 1 (or a percentage above 0), or minAvailable below the workload's replicas - and add replicas when the service needs them.
package shipshape.ha.drain_blocking_budgets

import rego.v1

import data.lib.inventory
import data.lib.k8s
import data.lib.selectors

spec := k8s.get(k8s.resource, "spec", {})

violation contains {"msg": msg, "details": {"field": ["spec", "maxUnavailable"]}} if {
	spec.maxUnavailable in {0, "0%"}
	msg := sprintf("%s sets spec.maxUnavailable to %v, so no pod it selects can ever be evicted and node drains stop; allow at least one disruption", [k8s.label, spec.maxUnavailable])
}

violation contains {"msg": msg, "details": {"field": ["spec", "minAvailable"]}} if {
	spec.minAvailable == "100%"
	msg := sprintf("%s sets spec.minAvailable to 100%%, so no pod it selects can ever be evicted and node drains stop; use a lower percentage or maxUnavailable", [k8s.label])
}

violation contains {"msg": msg, "details": {"field": ["spec", "minAvailable"]}} if {
	is_number(spec.minAvailable)
	some w in workloads
	selectors.matches(spec.selector, object.get(w.value, ["spec", "template", "metadata", "labels"], {}))
	replicas := k8s.get(k8s.get(w.value, "spec", {}), "replicas", 1)
	spec.minAvailable >= replicas
	msg := sprintf("%s sets spec.minAvailable to %v, but %s %q runs %v replica(s), so none of them can be evicted and node drains stop; set minAvailable below the replicas or add replicas", [k8s.label, spec.minAvailable, w.kind, w.value.metadata.name, replicas])
}

# A percentage is scaled by the selected replicas and rounded up, as the
# disruption controller does (GetScaledValueFromIntOrPercent with roundUp):
# 90% of 3 replicas is 3, so none of them can be evicted.
violation contains {"msg": msg, "details": {"field": ["spec", "minAvailable"]}} if {
	is_string(spec.minAvailable)
	spec.minAvailable != "100%"
	[[_, digits]] := regex.find_all_string_submatch_n(`^([0-9]+)%$`, spec.minAvailable, 1)
	percent := to_number(digits)
	some w in workloads
	selectors.matches(spec.selector, object.get(w.value, ["spec", "template", "metadata", "labels"], {}))
	replicas := k8s.get(k8s.get(w.value, "spec", {}), "replicas", 1)
	needed := ceil((percent * replicas) / 100)
	needed >= replicas
	msg := sprintf("%s sets spec.minAvailable to %s, which the disruption controller rounds up to %v of the %v replica(s) of %s %q, so none of them can be evicted and node drains stop; use a lower percentage, maxUnavailable, or more replicas", [k8s.label, spec.minAvailable, needed, replicas, w.kind, w.value.metadata.name])
}

# workloads are the replicated workloads in the budget's namespace.
workloads contains {"kind": kind, "value": w} if {
	some [group, kind] in [["apps", "Deployment"], ["apps", "StatefulSet"], ["apps", "ReplicaSet"], ["", "ReplicationController"]]
	some w in inventory.namespaced(k8s.namespace, group, kind)
}
