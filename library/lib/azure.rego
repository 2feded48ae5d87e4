# METADATA
# title: Azure resource helpers
# description: >-
#   Reads the normalised Azure objects (azure.shipshape.dev/v1 ManagedCluster
#   and ContainerRegistry, see docs/inputs.md), built from ARM templates, az
#   CLI JSON or Terraform plans with every property name lower-cased.
package lib.azure

import rego.v1

import data.lib.k8s

is_cluster if k8s.has_kind("azure.shipshape.dev", "ManagedCluster")

is_registry if k8s.has_kind("azure.shipshape.dev", "ContainerRegistry")

spec := k8s.get(k8s.resource, "spec", {})

# setting returns the value at path under spec, or fallback when any part
# of the path is absent or null.
setting(path, fallback) := v if {
	v := object.get(spec, path, null)
	v != null
} else := fallback

# enabled is true when the setting at path is literally true. A template
# expression such as "[parameters('x')]" cannot be shown to be true.
enabled(path) if setting(path, false) == true

# field is the finding path of a setting.
field(path) := array.concat(["spec"], path)

# label names the resource in messages, e.g. `ManagedCluster "aks-prod" (arm)`.
label := sprintf("%s %q (%s)", [k8s.resource.kind, k8s.name, k8s.get(k8s.resource, "format", "unknown format")])

# shown renders a setting's value for messages ("unset" when absent).
shown(path) := json.marshal(v) if {
	v := object.get(spec, path, null)
	v != null
} else := "unset"

# pools are the cluster's agent pools with their indexes.
pools contains {"index": i, "value": p} if {
	is_cluster
	some i, p in setting(["agentpoolprofiles"], [])
	is_object(p)
}

# pool_label names a pool in messages.
pool_label(p) := sprintf("%s node pool %q", [label, object.get(p.value, "name", sprintf("#%d", [p.index]))])

# pool_field is the finding path of a pool setting.
pool_field(p, rel) := array.concat(["spec", "agentpoolprofiles", p.index], rel)

# is_true reads an ARM, CLI or Terraform boolean, and the "true" strings
# add-on configurations use.
is_true(v) if v == true

is_true(v) if {
	is_string(v)
	lower(v) == "true"
}
