# METADATA
# title: Containers set CPU and memory requests and limits
# description: >-
#   Without requests the scheduler overcommits nodes; without limits one
#   container can starve the node (a denial of service, or room for a
#   crypto-miner). Every container and init container sets requests and
#   limits for cpu and memory, as valid quantities, with limits at most
#   maxCpuLimit and maxMemoryLimit. (Ephemeral containers cannot set
#   resources.)
# custom:
#   id: SS-POD-006
#   severity: medium
#   requirements: [POD-10]
#   frameworks:
#     mcsb: [PV-2]
#     nsa-cisa: [Kubernetes Pod security]
#     mitre: [T1496, T1499]
#   kinds: [workloads]
#   remediation: Set resources.requests and resources.limits for cpu and memory on every container.
#   parameters:
#     type: object
#     properties:
#       maxCpuLimit: {type: [string, number], default: "4"}
#       maxMemoryLimit: {type: [string, number], default: 8Gi}
package shipshape.pod.resources

import rego.v1

import data.lib.pods
import data.lib.quantities

resource_fields := [["requests", "cpu"], ["requests", "memory"], ["limits", "cpu"], ["limits", "memory"]]

maximums := {"cpu": input.parameters.maxCpuLimit, "memory": input.parameters.maxMemoryLimit}

judged contains c if {
	some c in pods.containers
	c.list != "ephemeralContainers"
}

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["resources"])}} if {
	some c in judged
	missing := [concat(".", ["resources", kind, name]) |
		some [kind, name] in resource_fields
		object.get(c.value, ["resources", kind, name], null) == null
	]
	count(missing) > 0
	msg := sprintf("%s does not set %s; set cpu and memory requests and limits", [pods.label(c), concat(", ", missing)])
}

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["resources", kind, name])}} if {
	some c in judged
	some [kind, name] in resource_fields
	value := object.get(c.value, ["resources", kind, name], null)
	value != null
	not quantities.parse(value)
	msg := sprintf("%s sets resources.%s.%s to %s, which is not a Kubernetes quantity; use values like 500m or 256Mi", [pods.label(c), kind, name, json.marshal(value)])
}

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["resources", "limits", name])}} if {
	some c in judged
	some name, maximum in maximums
	value := object.get(c.value, ["resources", "limits", name], null)
	quantities.parse(value) > quantities.parse(maximum)
	msg := sprintf("%s sets resources.limits.%s to %v, above the maximum %v; lower it or raise max%sLimit", [pods.label(c), name, value, maximum, upper_first(name)])
}

upper_first(s) := concat("", [upper(substring(s, 0, 1)), substring(s, 1, -1)])
