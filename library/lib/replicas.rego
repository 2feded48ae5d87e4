# METADATA
# title: Replica helpers
# description: >-
#   How many replicas a workload runs: spec.replicas (Kubernetes defaults it
#   to 1), or the minReplicas of a HorizontalPodAutoscaler in the inventory
#   that scales it.
package lib.replicas

import rego.v1

import data.lib.inventory
import data.lib.k8s

# minimum is the smallest number of replicas the workload runs: the
# smallest minReplicas of the autoscalers that scale it (several may name
# one workload; the scan cannot tell which wins), else spec.replicas.
minimum := min(autoscaled) if {
	count(autoscaled) > 0
} else := k8s.get(k8s.resource.spec, "replicas", 1)

# autoscaled are the minReplicas of the autoscalers that scale the workload.
autoscaled contains n if {
	some hpa in inventory.namespaced(k8s.namespace, "autoscaling", "HorizontalPodAutoscaler")
	hpa.spec.scaleTargetRef.kind == k8s.resource.kind
	hpa.spec.scaleTargetRef.name == k8s.name
	n := k8s.get(hpa.spec, "minReplicas", 1)
}
