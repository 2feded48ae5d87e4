# METADATA
# title: Application namespaces have a ResourceQuota and a LimitRange
# description: >-
#   Without a ResourceQuota one namespace can take the whole cluster's CPU
#   and memory (a runaway deployment, a fork bomb of pods); without a
#   LimitRange, a container that sets no limits runs unbounded. Every
#   namespace that runs workloads needs a ResourceQuota with CPU and memory
#   requests and limits in spec.hard and a LimitRange that gives containers
#   default limits, a minimum and a maximum. It
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
#   remediation: Add to the namespace a ResourceQuota with requests.cpu, requests.memory, limits.cpu and limits.memory in spec.hard, and a LimitRange with a Container limit that sets default, defaultRequest, min and max.
package shipshape.ha.namespace_quotas

import rego.v1

import data.lib.inventory
import data.lib.k8s

violation contains {"msg": msg, "details": {"field": ["metadata", "namespace"], "namespace_fact": fact}} if {
	some [kind, what] in [["ResourceQuota", "ResourceQuota that caps CPU and memory requests and limits"], ["LimitRange", "LimitRange that gives containers default limits, a minimum and a maximum"]]
	not has(kind)
	msg := sprintf("%s runs in namespace %q, which has no %s; add one", [k8s.label, k8s.namespace, what])
	fact := {"key": kind, "namespace": k8s.namespace, "msg": sprintf("namespace %q has no %s; add one", [k8s.namespace, what])}
}

# A quota on requests alone lets every pod set limits as high as it likes;
# one on limits alone lets it reserve the nodes. Both, as Trivy KSV-0040
# asks ("cpu" and "memory" are the requests).
has("ResourceQuota") if {
	some quota in inventory.namespaced(k8s.namespace, "", "ResourceQuota")
	hard := object.keys(object.get(quota, ["spec", "hard"], {}))
	every names in [{"cpu", "requests.cpu"}, {"memory", "requests.memory"}, {"limits.cpu"}, {"limits.memory"}] {
		some name in hard
		name in names
	}
}

# Defaults bound the containers that set nothing; max bounds those that
# set their own limit, min those that request next to nothing (Trivy
# KSV-0039). defaultRequest may be left out: Kubernetes then takes the
# default limit as the request.
has("LimitRange") if {
	some range in inventory.namespaced(k8s.namespace, "", "LimitRange")
	some limit in object.get(range, ["spec", "limits"], [])
	limit.type == "Container"
	every field in ["default", "max", "min"] {
		count(object.get(limit, field, {})) > 0
	}
}
