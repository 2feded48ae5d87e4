# METADATA
# title: Replicated workloads have a PodDisruptionBudget
# description: >-
#   Node upgrades and scale-downs evict pods; without a PodDisruptionBudget
#   every replica of a workload can be evicted at once. A Deployment,
#   StatefulSet, ReplicaSet or ReplicationController that runs at least
#   minReplicas replicas (spec.replicas, or its HorizontalPodAutoscaler's
#   minReplicas) needs a PodDisruptionBudget in its namespace whose selector
#   matches its pod template's labels.
# custom:
#   id: SS-HA-001
#   severity: medium
#   requirements: [HA-02]
#   frameworks:
#     mcsb: [BR-1]
#   kinds: [apps/Deployment, apps/StatefulSet, apps/ReplicaSet, ReplicationController]
#   sync: [policy/v1/PodDisruptionBudget, autoscaling/v2/HorizontalPodAutoscaler]
#   remediation: Add a PodDisruptionBudget (policy/v1) with a selector matching the pod template's labels and minAvailable or maxUnavailable set.
#   parameters:
#     type: object
#     properties:
#       minReplicas: {type: integer, default: 2}
package shipshape.ha.disruption_budget

import rego.v1

import data.lib.inventory
import data.lib.k8s
import data.lib.pods
import data.lib.replicas
import data.lib.selectors

violation contains {"msg": msg, "details": {"field": ["spec", "replicas"]}} if {
	replicas.minimum >= input.parameters.minReplicas
	not covered
	msg := sprintf("%s runs %v replicas but no PodDisruptionBudget in namespace %q selects its pods; add one whose selector matches %v", [k8s.label, replicas.minimum, k8s.namespace, pods.labels])
}

covered if {
	some pdb in inventory.namespaced(k8s.namespace, "policy", "PodDisruptionBudget")
	selectors.matches(pdb.spec.selector, pods.labels)
}
