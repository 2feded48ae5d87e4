# METADATA
# title: Application namespaces have a ResourceQuota and a LimitRange
# description: >-
#   Without a ResourceQuota one namespace can take the whole cluster's CPU
#   and memory (a runaway deployment, a fork bomb of pods); without a
#   LimitRange, a container that sets no limits runs unbounded. Every
#   namespace that runs workloads needs a ResourceQuota with CPU and memory
#   in spec.hard and a LimitRange that gives containers default limits. It
#   is a fact about the namespace, reported once per namespace with the
#   workloads it affects.
# custom:
#   id: SS-HA-005
#   severity: low
#   requirements: [HA-06]
#   frameworks:
#     mcsb: ["DS-6"]
#     nsa-cisa: [Kubernetes Pod security]
#   kinds: [workloads]
#   sync: [v1/ResourceQuota, v1/LimitRange]
#   remediation: Add to the namespace a ResourceQuota with requests.cpu, requests.memory, limits.cpu and limits.memory in spec.hard, and a LimitRange with a Container limit that sets default and defaultRequest.
package shipshape.ha.namespace_quotas

import rego.v1

import data.lib.inventory
import data.lib.k8s

violation contains {"msg": msg, "details": {"field": ["metadata", "namespace"], "namespace_fact": fact}} if {
	some [kind, what] in [["ResourceQuota", "ResourceQuota that caps CPU and memory"], ["LimitRange", "LimitRange that gives containers default limits"]]
	not has(kind)
	msg := sprintf("%s runs in namespace %q, which has no %s; add one", [k8s.label, k8s.namespace, what])
	fact := {"key": kind, "namespace": k8s.namespace, "msg": sprintf("namespace %q has no %s; add one", [k8s.namespace, what])}
}

has("ResourceQuota") if {
	some quota in inventory.namespaced(k8s.namespace, "", "ResourceQuota")
	hard := object.keys(object.get(quota, ["spec", "hard"], {}))
	some cpu in hard
	cpu in {"cpu", "requests.cpu", "limits.cpu"}
	some memory in hard
	memory in {"memory", "requests.memory", "limits.memory"}
}

has("LimitRange") if {
	some range in inventory.namespaced(k8s.namespace, "", "LimitRange")
	some limit in object.get(range, ["spec", "limits"], [])
	limit.type == "Container"
	count(object.get(limit, "default", {})) > 0
}
