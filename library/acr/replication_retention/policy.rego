# METADATA
# title: The registry is geo-replicated and cleans up untagged manifests
# description: >-
#   A Premium registry replicated to at least one other region keeps
#   serving pulls when a region fails (a replication written apart, in
#   another template or az acr replication list output, counts; the
#   registry's home region does not), and a retention policy
#   (policies.retentionPolicy) deletes untagged manifests so old, unpatched
#   images do not linger.
# custom:
#   id: SS-ACR-004
#   sync: [azure.shipshape.dev/v1/ContainerRegistry, azure.shipshape.dev/v1/Replication]
#   severity: low
#   requirements: [IMG-09]
#   frameworks:
#     mcsb: [BR-1, AM-2]
#   kinds: [azure.shipshape.dev/ContainerRegistry]
#   admission: false
#   remediation: Use the Premium SKU with a replication in a second region, and enable the retention policy for untagged manifests.
package shipshape.acr.replication_retention

import rego.v1

import data.lib.azure

violation contains {"msg": msg, "details": {"field": azure.field(["sku", "name"])}} if {
	azure.is_registry
	lower(azure.setting(["sku", "name"], "")) != "premium"
	msg := azure.verdict(["sku", "name"], "sku.name", "can geo-replicate", sprintf("%s uses the %s SKU, which cannot geo-replicate; use Premium", [azure.label, azure.setting(["sku", "name"], "unknown")]))
}

violation contains {"msg": msg, "details": {"field": azure.field(["replications"])}} if {
	azure.is_registry
	lower(azure.setting(["sku", "name"], "")) == "premium"
	count(replicas_elsewhere) == 0
	not replicated_apart
	msg := sprintf("%s has no geo-replication; replicate it to a second region", [azure.label])
}

violation contains {"msg": msg, "details": {"field": azure.field(["policies", "retentionpolicy"])}} if {
	azure.is_registry
	lower(azure.setting(["policies", "retentionpolicy", "status"], "disabled")) != "enabled"
	msg := azure.verdict(["policies", "retentionpolicy", "status"], "retentionPolicy.status", "deletes untagged manifests", sprintf("%s keeps untagged manifests forever (retentionPolicy.status is %s); enable the retention policy", [azure.label, azure.shown(["policies", "retentionpolicy", "status"])]))
}

# replicated_apart is true when the scan holds a replication of the
# registry outside its own document, in a region other than its own (az
# acr replication list also lists the home region).
replicated_apart if {
	some r in azure.related("Replication")
	azure.refers_to_me(r, lower(object.get(r.spec, "target", "")))
	region(r.spec.location) != region(object.get(input.review.object, "location", ""))
}

region(name) := lower(replace(name, " ", ""))

# replicas_elsewhere are the registry's own replications outside its home
# region (a replication there adds no second region).
replicas_elsewhere := [r |
	some r in azure.setting(["replications"], [])
	region(object.get(r, "location", "")) != region(object.get(input.review.object, "location", ""))
]
