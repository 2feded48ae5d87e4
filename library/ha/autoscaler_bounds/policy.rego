# METADATA
# title: HorizontalPodAutoscalers keep production replicated and scale within bounds
# description: >-
#   An autoscaler decides how many replicas run. In a production namespace
#   (productionNamespaceSelector, matched against the Namespace in the
#   inventory) its minReplicas (1 when unset) must be at least
#   productionMinReplicas, or a scale-down leaves one pod and one node
#   failure takes the service down. Everywhere, maxReplicas must leave room
#   to scale (at least minimumReplicaSpread above minReplicas), and stay at
#   or under maximumReplicas when that is set, so a runaway metric cannot
#   exhaust the cluster.
# custom:
#   id: SS-HA-004
#   severity: medium
#   requirements: [HA-08]
#   frameworks:
#     mcsb: ["BR-1"]
#   kinds: [autoscaling/HorizontalPodAutoscaler]
#   sync: [v1/Namespace]
#   remediation: Set spec.minReplicas to at least 2 in production, and spec.maxReplicas above minReplicas and within the cluster's budget (settings or the control's parameters).
#   parameters:
#     type: object
#     properties:
#       productionMinReplicas: {type: integer, default: 2}
#       minimumReplicaSpread: {type: integer, default: 1}
#       maximumReplicas: {type: integer, default: 0, description: "0: no upper bound"}
#       productionNamespaceSelector:
#         type: object
#         default: {matchLabels: {environment: production}}
package shipshape.ha.autoscaler_bounds

import rego.v1

import data.lib.k8s
import data.lib.namespaces

spec := k8s.get(k8s.resource, "spec", {})

min_replicas := k8s.get(spec, "minReplicas", 1)

violation contains {"msg": msg, "details": {"field": ["spec", "minReplicas"]}} if {
	namespaces.object_is_production(input.parameters.productionNamespaceSelector)
	min_replicas < input.parameters.productionMinReplicas
	msg := sprintf("%s lets a production workload scale down to %v replica(s); set spec.minReplicas to at least %v", [k8s.label, min_replicas, input.parameters.productionMinReplicas])
}

violation contains {"msg": msg, "details": {"field": ["spec", "maxReplicas"]}} if {
	spec.maxReplicas - min_replicas < input.parameters.minimumReplicaSpread
	msg := sprintf("%s scales between %v and %v replicas, less than %v apart, so it cannot scale; raise spec.maxReplicas", [k8s.label, min_replicas, spec.maxReplicas, input.parameters.minimumReplicaSpread])
}

violation contains {"msg": msg, "details": {"field": ["spec", "maxReplicas"]}} if {
	input.parameters.maximumReplicas > 0
	spec.maxReplicas > input.parameters.maximumReplicas
	msg := sprintf("%s may scale to %v replicas, more than the %v allowed; lower spec.maxReplicas", [k8s.label, spec.maxReplicas, input.parameters.maximumReplicas])
}
