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

# undecided is the unresolved entry ({path, expression}) that stands for
# the setting at path, or for the nearest object that holds it, when it
# could not be evaluated before deployment (spec.unresolved lists it);
# undefined when the setting was read.
undecided(path) := entry if {
	entries := [e |
		some e in object.get(spec, "unresolved", [])
		holds(e.path, field(path))
	]
	longest := max([count(e.path) | some e in entries])
	some entry in entries
	count(entry.path) == longest
}

# undecided_says names what stands for the setting at path: "it is
# [parameters('x')]", or "properties is [union(...)]" when an enclosing
# object is the expression.
undecided_says(path) := sprintf("%s is %s", [holder, shortened(undecided(path).expression)]) if {
	entry_path := undecided(path).path
	holder := object_name(entry_path, path)
}

object_name(entry_path, path) := "it" if entry_path == field(path)

object_name(entry_path, _) := "properties" if entry_path == ["spec"]

object_name(entry_path, path) := k8s.path_string(array.slice(entry_path, 1, count(entry_path))) if {
	entry_path != field(path)
	count(entry_path) > 1
}

# shortened keeps an expression readable in a message: a long one (Bicep's
# union() of a whole properties object runs to thousands of characters) is
# cut, saying how long it is; the finding's line shows it whole.
shortened(expr) := expr if count(expr) <= 160

shortened(expr) := sprintf("%s… (%d characters)", [substring(expr, 0, 120), count(expr)]) if count(expr) > 160

# read is setting, except that a setting an expression stands for reads as
# the expression's text, never as the fallback (properties hidden behind
# one expression do not read as absent, so as Azure's default).
read(path, fallback) := undecided(path).expression if {
	undecided(path)
} else := setting(path, fallback)

# holds is true when the value at path outer is, or contains, the value at
# path inner.
holds(outer, inner) if array.slice(inner, 0, count(outer)) == outer

# verdict is a control's message on the setting at path: its finding as a
# fact when the setting was read, or, when an expression stands for it,
# that whether the resource does what the control checks (doing) could not
# be decided, with the expression (the finding is on its line).
verdict(path, name, doing, fact) := verdict_of(label, path, name, doing, fact)

# verdict_of is verdict for a part of the resource (who: a node pool).
verdict_of(who, path, name, doing, fact) := sprintf("%s: %s could not be decided before deployment (%s), so whether it %s cannot be judged; %s", [who, name, undecided_says(path), doing, advice]) if {
	undecided(path)
} else := fact

# advice says how to give a setting a value the scan can read: Terraform's
# variables and .tfvars files, or ARM's parameters.
advice := "give it a literal, a variable default or a value in a .tfvars file (a value Azure assigns at apply cannot be judged before it)" if {
	k8s.resource.format == "terraform"
} else := "give it a literal, a parameter default or a parameters file value"

# judged are the settings whose controls say themselves, with verdict,
# that an expression left them undecided: SS-AKS-023 does not repeat them.
judged := [
	["identity", "type"],
	["networkprofile", "networkpolicy"],
	["aadprofile", "managed"],
	["aadprofile", "enableazurerbac"],
	["enablerbac"],
	["disablelocalaccounts"],
	["kubernetesversion"],
	["oidcissuerprofile", "enabled"],
	["securityprofile", "workloadidentity", "enabled"],
	["diskencryptionsetid"],
	["autoupgradeprofile", "upgradechannel"],
	["autoupgradeprofile", "nodeosupgradechannel"],
	["addonprofiles", "azurekeyvaultsecretsprovider", "enabled"],
	["addonprofiles", "azurekeyvaultsecretsprovider", "config", "enablesecretrotation"],
] if is_cluster

judged := [
	["sku", "name"],
	["policies", "retentionpolicy", "status"],
	["publicnetworkaccess"],
	["networkruleset", "defaultaction"],
	["policies", "exportpolicy", "status"],
	["adminuserenabled"],
	["anonymouspullenabled"],
] if is_registry

# reported_by_control is true when an unresolved entry is a setting a
# control judges, or an object holding one (a control names it then).
reported_by_control(entry_path) if {
	some path in judged
	holds(entry_path, field(path))
}

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

# refers_to_me is true when a reference held by another object (holder: a
# role assignment's principal, a diagnostic setting's target; a resource
# ID, an ARM scope or a resourceId()/format() expression, lower-cased)
# names the reviewed resource: by type and literal name, or, inside the
# holder's own deployment (template, nested deployment, plan or module), by
# the expression the resource's name was written as or by its Terraform
# address. A reference that names no resource (a template parameter, a
# value known only after apply) counts only when the holder's deployment
# holds no other resource of the reviewed kind, or, for a holder from no
# template (az output), when the scan holds none. A resource ID that names
# another resource, of the type or of another (a cluster's diagnostic
# setting seen from a registry), never does, even when that resource is not
# in the scan.
refers_to_me(_, ref) if {
	contains(ref, type_fragment)
	lower(k8s.name) in tokens(ref)
}

refers_to_me(holder, ref) if {
	same_deployment(holder)
	contains(ref, type_fragment)
	contains(ref, lower(trim(k8s.resource.nameexpression, "[]")))
}

refers_to_me(holder, ref) if {
	terraform_pair(holder)
	startswith(concat("", [module_of(holder), ref]), concat("", [lower(k8s.resource.address), "."]))
}

# A Terraform module's output (module.shop.kubelet_object_id) means the
# reviewed resource when its module holds no other resource of its kind.
refers_to_me(holder, ref) if {
	terraform_pair(holder)
	mine := module_of(k8s.resource)
	mine != ""
	startswith(concat("", [module_of(holder), ref]), mine)
	regex.match(`^[a-z0-9_-]+$`, trim_prefix(concat("", [module_of(holder), ref]), mine))
	count([o | some o in related(k8s.resource.kind); same_deployment(o); module_of(o) == mine]) <= 1
}

# terraform_pair is true when the reviewed resource and a holder come from
# one Terraform configuration, where references are addresses.
terraform_pair(holder) if {
	k8s.resource.format == "terraform"
	same_deployment(holder)
}

# tokens are the parts of a reference between the characters that
# delimit a name in a resource ID or an expression ("/", quotes, "," and
# ")"), so a name is matched whole and never as a pattern.
tokens(ref) := {t | some t in regex.split(`[/'"),]`, ref)}

# A module's output (ARM: reference(resourceId('Microsoft.Resources/
# deployments', 'cluster')).outputs.x; Bicep: cluster.outputs.x) means the
# reviewed resource when the file holds no other resource of its kind (the
# module's resources are in a nested deployment of the same file).
refers_to_me(holder, ref) if {
	contains(ref, ".outputs.")
	same_file(holder)
	count([o | some o in related(k8s.resource.kind); same_file(o)]) <= 1
}

# same_file is true when another object comes from the file (template,
# plan, module folder) the reviewed resource comes from, in any of its
# nested deployments.
same_file(other) if file_of(other) == file_of(k8s.resource)

file_of(obj) := split(object.get(obj, "deployment", ""), "#")[0]

# module_of is the module prefix of a Terraform object's address
# ("module.shop." for module.shop.azurerm_kubernetes_cluster.this, "" at
# the root), lower-cased: a reference inside the module is relative to it.
module_of(obj) := regex.replace(lower(object.get(obj, "address", obj.metadata.name)), `^((module\.[^.]+\.)*).*$`, "$1")

refers_to_me(holder, ref) if {
	not names_any_resource(ref)
	not names_a_resource(ref)
	sole_of_kind(holder, ref)
}

# same_deployment is true when another object comes from the reviewed
# resource's deployment.
same_deployment(other) if object.get(other, "deployment", "") == object.get(k8s.resource, "deployment", "")

# sole_of_kind is true when nothing but the reviewed resource can be what an
# unnamed reference means: it is alone of its kind in the holder's
# deployment, or, for a reference written in no template language, alone
# of its kind in the scan.
sole_of_kind(holder, _) if {
	same_deployment(holder)
	count([o | some o in related(k8s.resource.kind); same_deployment(o)]) <= 1
}

sole_of_kind(_, ref) if {
	not template_reference(ref)
	count(related(k8s.resource.kind)) <= 1
}

# template_reference is true when a reference is an ARM expression or a
# Terraform one (var.x, azurerm_kubernetes_cluster.x.kubelet_identity...),
# which resolves inside its own deployment only.
template_reference(ref) if startswith(ref, "[")

template_reference(ref) if regex.match(`^(var|local|module|data|azurerm_[a-z_]+)\.`, ref)

# names_a_resource is true when the reference is a resource ID or scope
# with a literal name after the resource type
# (microsoft.containerservice/managedclusters/aks-other), not an expression
# or a value known only after apply.
names_a_resource(ref) if regex.match(`microsoft\.[a-z0-9]+/[a-z0-9]+/[a-z0-9][a-z0-9_.-]*($|/)`, ref)

names_any_resource(ref) if {
	some other in related(k8s.resource.kind)
	lower(other.metadata.name) in tokens(ref)
}

# diagnostics are the diagnostic settings that apply to the reviewed resource.
diagnostics contains d if {
	some d in related("DiagnosticSetting")
	refers_to_me(d, lower(object.get(d.spec, "target", "")))
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
