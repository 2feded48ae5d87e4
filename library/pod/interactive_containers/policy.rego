# METADATA
# title: Containers are not interactive, and production pods get no debug containers
# description: >-
#   A container with tty or stdin keeps a terminal open that anyone with
#   attach rights drives as the container's user, outside any deploy
#   pipeline. An ephemeral container is a debug shell added to a running
#   pod with its namespaces and volumes, often from a full-featured image;
#   in production namespaces (productionNamespaceSelector, matched against
#   the Namespace in the inventory) it is denied.
# custom:
#   id: SS-POD-012
#   severity: medium
#   requirements: [POD-15]
#   frameworks:
#     mitre: ["T1609"]
#   kinds: [workloads]
#   sync: [v1/Namespace]
#   remediation: Remove tty and stdin from the container; debug production pods through logs, metrics and a copy of the pod (kubectl debug --copy-to) in another namespace.
#   parameters:
#     type: object
#     properties:
#       productionNamespaceSelector:
#         type: object
#         default: {matchLabels: {environment: production}}
package shipshape.pod.interactive_containers

import rego.v1

import data.lib.namespaces
import data.lib.pods

violation contains {"msg": msg, "details": {"field": pods.container_field(c, [name])}} if {
	some c in pods.containers
	some name in ["tty", "stdin"]
	c.value[name] == true
	msg := sprintf("%s sets %s to true, an interactive terminal anyone with attach rights can drive; remove it", [pods.label(c), name])
}

violation contains {"msg": msg, "details": {"field": c.path}} if {
	namespaces.object_is_production(input.parameters.productionNamespaceSelector)
	some c in pods.containers
	c.list == "ephemeralContainers"
	msg := sprintf("%s is a debug container in a production namespace; debug a copy of the pod elsewhere (kubectl debug --copy-to)", [pods.label(c)])
}
