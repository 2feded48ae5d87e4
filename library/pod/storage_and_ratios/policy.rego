# METADATA
# title: Containers limit ephemeral storage and keep limits near requests
# description: >-
#   A container without an ephemeral-storage limit can fill the node's disk
#   with logs and scratch files until the kubelet evicts every pod on it. A
#   limit far above its request lets the scheduler pack a node with pods
#   that together can use many times what the node has. Every container
#   (not debug containers) sets resources.limits.ephemeral-storage, and for
#   cpu, memory and ephemeral-storage a limit is at most
#   maxLimitRequestRatio times its request (and, when set, at most
#   maxEphemeralStorage).
# custom:
#   id: SS-POD-014
#   severity: low
#   requirements: [POD-18, POD-22]
#   frameworks:
#     mcsb: ["DS-6"]
#     nsa-cisa: [Kubernetes Pod security]
#   kinds: [workloads]
#   remediation: Set resources.limits.ephemeral-storage (and a request), and bring each limit within maxLimitRequestRatio times its request.
#   parameters:
#     type: object
#     properties:
#       maxLimitRequestRatio: {type: number, default: 4}
#       maxEphemeralStorage:
#         description: The largest ephemeral-storage limit a container may set (a quantity such as 10Gi); "" sets none.
#         type: string
#         default: ""
package shipshape.pod.storage_and_ratios

import rego.v1

import data.lib.pods
import data.lib.quantities

judged contains c if {
	some c in pods.containers
	c.list != "ephemeralContainers"
}

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["resources", "limits"])}} if {
	some c in judged
	object.get(c.value, ["resources", "limits", "ephemeral-storage"], null) == null
	msg := sprintf("%s does not set resources.limits.ephemeral-storage, so it can fill the node's disk; set a limit", [pods.label(c)])
}

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["resources", "limits", name])}} if {
	some c in judged
	some name in ["cpu", "memory", "ephemeral-storage"]
	limit := object.get(c.value, ["resources", "limits", name], null)
	request := object.get(c.value, ["resources", "requests", name], null)
	quantities.parse(request) > 0
	quantities.parse(limit) > input.parameters.maxLimitRequestRatio * quantities.parse(request)
	msg := sprintf("%s sets resources.limits.%s to %v, more than %v times its request %v; raise the request or lower the limit", [pods.label(c), name, limit, input.parameters.maxLimitRequestRatio, request])
}

# maxEphemeralStorage bounds what a container may write to the node's disk
# (gatekeeper-library's ephemeralstoragelimit takes the same maximum); ""
# is no quantity, so nothing is compared.
violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["resources", "limits", "ephemeral-storage"])}} if {
	maximum := input.parameters.maxEphemeralStorage
	some c in judged
	limit := object.get(c.value, ["resources", "limits", "ephemeral-storage"], null)
	quantities.parse(limit) > quantities.parse(maximum)
	msg := sprintf("%s sets resources.limits.ephemeral-storage to %v, more than the maximum of %v (maxEphemeralStorage); lower the limit", [pods.label(c), limit, maximum])
}
