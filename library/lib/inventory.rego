# METADATA
# title: Inventory helpers
# description: >-
#   Reads data.inventory, laid out as Gatekeeper's sync layout:
#   cluster[groupVersion][kind][name] and
#   namespace[namespace][groupVersion][kind][name]. Lookups ignore the API
#   version, so an object synced under any version is found.
package lib.inventory

import rego.v1

import data.lib.k8s

# namespaced returns the objects of kind in group ("" for core) and namespace.
namespaced(ns, group, kind) := [object |
	some group_version, kinds in data.inventory.namespace[ns]
	k8s.api_group(group_version) == group
	some object in kinds[kind]
]

# cluster returns the cluster-scoped objects of kind in group.
cluster(group, kind) := [object |
	some group_version, kinds in data.inventory.cluster
	k8s.api_group(group_version) == group
	some object in kinds[kind]
]

# all returns every object of kind in group, in every namespace.
all(group, kind) := [object |
	some ns, _ in data.inventory.namespace
	some object in namespaced(ns, group, kind)
]

# namespace_object returns the Namespace named ns, if the inventory holds it.
namespace_object(ns) := object if {
	some object in cluster("", "Namespace")
	object.metadata.name == ns
}
