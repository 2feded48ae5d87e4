# METADATA
# title: Production runs no bare Pods
# description: >-
#   A Pod that no controller owns is not rescheduled when its node fails or
#   is drained, not rolled out or rolled back with its application, and not
#   counted by a PodDisruptionBudget's workload: in a production namespace
#   (productionNamespaceSelector, matched against the Namespace in the
#   inventory) every Pod must be owned, through a Deployment, StatefulSet,
#   DaemonSet, Job or another controller.
# custom:
#   id: SS-POD-013
#   severity: low
#   requirements: [POD-20]
#   frameworks:
#     mcsb: ["BR-1"]
#   kinds: [Pod]
#   sync: [v1/Namespace]
#   remediation: Run the pod through a Deployment (or a StatefulSet, DaemonSet or Job) with the same pod template.
#   parameters:
#     type: object
#     properties:
#       productionNamespaceSelector:
#         type: object
#         default: {matchLabels: {environment: production}}
package shipshape.pod.bare_pods

import rego.v1

import data.lib.k8s
import data.lib.namespaces

violation contains {"msg": msg, "details": {"field": ["metadata"]}} if {
	namespaces.object_is_production(input.parameters.productionNamespaceSelector)
	not owned
	msg := sprintf("%s runs in production namespace %q with no owner, so nothing restarts it elsewhere when its node goes; run it through a Deployment, StatefulSet, DaemonSet or Job", [k8s.label, k8s.namespace])
}

owned if {
	some owner in k8s.resource.metadata.ownerReferences
	is_object(owner)
}
