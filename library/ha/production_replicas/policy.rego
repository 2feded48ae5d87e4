# METADATA
# title: Production workloads are replicated across zones
# description: >-
#   In production namespaces (productionNamespaceSelector), a Deployment or
#   StatefulSet runs at least minReplicas replicas and spreads them across
#   availability zones, with a topologySpreadConstraint or pod anti-affinity
#   on topology.kubernetes.io/zone, so losing a node or a zone does not take
#   it down.
# custom:
#   id: SS-HA-002
#   severity: medium
#   requirements: [HA-03]
#   frameworks:
#     mcsb: [BR-1]
#   kinds: [apps/Deployment, apps/StatefulSet]
#   sync: [v1/Namespace, autoscaling/v2/HorizontalPodAutoscaler]
#   remediation: Set replicas to at least 2 and add a topologySpreadConstraint with topologyKey topology.kubernetes.io/zone.
#   parameters:
#     type: object
#     properties:
#       minReplicas: {type: integer, default: 2}
#       productionNamespaceSelector: {type: object, default: {matchLabels: {environment: production}}}
package shipshape.ha.production_replicas

import rego.v1

import data.lib.k8s
import data.lib.namespaces
import data.lib.pods
import data.lib.replicas

zone_keys := {"topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"}

production if namespaces.object_is_production(input.parameters.productionNamespaceSelector)

violation contains {"msg": msg, "details": {"field": ["spec", "replicas"]}} if {
	production
	replicas.minimum < input.parameters.minReplicas
	msg := sprintf("%s runs %v replica(s) in production namespace %q; run at least %d", [k8s.label, replicas.minimum, k8s.namespace, input.parameters.minReplicas])
}

violation contains {"msg": msg, "details": {"field": pods.spec_field(["topologySpreadConstraints"])}} if {
	production
	not spread_across_zones
	msg := sprintf("%s does not spread its replicas across zones; add a topologySpreadConstraint (or pod anti-affinity) with topologyKey topology.kubernetes.io/zone", [k8s.label])
}

spread_across_zones if {
	some constraint in pods.spec.topologySpreadConstraints
	constraint.topologyKey in zone_keys
}

spread_across_zones if {
	some kind in ["requiredDuringSchedulingIgnoredDuringExecution", "preferredDuringSchedulingIgnoredDuringExecution"]
	some term in pods.spec.affinity.podAntiAffinity[kind]
	object.get(term, "podAffinityTerm", term).topologyKey in zone_keys
}
