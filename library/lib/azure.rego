# METADATA
# title: Azure resource helpers
# description: >-
#   Reads the normalised Azure objects (azure.shipshape.dev/v1 ManagedCluster
#   and ContainerRegistry, see docs/inputs.md), built from ARM templates, az
#   CLI JSON or Terraform plans with every property name lower-cased.
package lib.azure

import rego.v1

import data.lib.inventory
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

# label names the resource in messages, e.g. `ManagedCluster "aks-prod" (arm)`,
# or with its address for a Terraform plan (`(terraform azurerm_kubernetes_cluster.main)`),
# which is often one line long.
label := sprintf("%s %q (%s %s)", [k8s.resource.kind, k8s.name, k8s.resource.format, k8s.resource.address]) if {
	is_string(k8s.resource.address)
} else := sprintf("%s %q (%s)", [k8s.resource.kind, k8s.name, k8s.get(k8s.resource, "format", "unknown format")])

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

# related are the scanned objects of a normalised kind (from the inventory).
related(kind) := inventory.cluster("azure.shipshape.dev", kind)

# type_fragment is how a target reference names the reviewed resource's type.
type_fragment := "managedclusters" if is_cluster

type_fragment := "registries" if is_registry

# refers_to_me is true when a reference (a resource ID, an ARM scope or a
# resourceId()/format() expression, lower-cased) names the reviewed
# resource by type and name. A reference the scan cannot resolve (a
# template parameter, or a Terraform value known only after apply) counts
# when the scan holds a single resource of the reviewed kind; a resource ID
# that names another resource, of the type or of another (a cluster's
# diagnostic setting seen from a registry), never does, even when that
# resource is not in the scan.
refers_to_me(ref) if {
	contains(ref, type_fragment)
	regex.match(sprintf(`(^|[/'])%s($|[/'"),])`, [lower(k8s.name)]), ref)
}

refers_to_me(ref) if {
	not names_any_resource(ref)
	not names_a_resource(ref)
	count(related(k8s.resource.kind)) <= 1
}

# names_a_resource is true when the reference is a resource ID or scope
# with a literal name after the resource type
# (microsoft.containerservice/managedclusters/aks-other), not an expression
# or a value known only after apply.
names_a_resource(ref) if regex.match(`microsoft\.[a-z0-9]+/[a-z0-9]+/[a-z0-9][a-z0-9_.-]*($|/)`, ref)

names_any_resource(ref) if {
	some other in related(k8s.resource.kind)
	regex.match(sprintf(`(^|[/'])%s($|[/'"),])`, [lower(other.metadata.name)]), ref)
}

# diagnostics are the diagnostic settings that apply to the reviewed resource.
diagnostics contains d if {
	some d in related("DiagnosticSetting")
	refers_to_me(lower(object.get(d.spec, "target", "")))
}

# logs_enabled are the enabled log categories and category groups of a
# diagnostic setting, lower-cased.
logs_enabled(d) := {lower(name) |
	some entry in object.get(d.spec, "logs", [])
	object.get(entry, "enabled", true) == true
	some key in ["category", "categorygroup"]
	name := object.get(entry, key, null)
	is_string(name)
}

# has_destination is true when a setting sends logs somewhere that keeps
# them: a workspace, a storage account or an event hub.
has_destination(d) if {
	some key in ["workspaceid", "storageaccountid", "eventhubauthorizationruleid"]
	object.get(d.spec, key, "") != ""
}
