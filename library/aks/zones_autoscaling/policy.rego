# METADATA
# title: AKS spans zones, autoscales and has the uptime SLA
# description: >-
#   Every node pool must span at least two availability zones and autoscale,
#   and the cluster must use the Standard or Premium tier, whose API server
#   has a financially backed uptime SLA (Paid, its name before API version
#   2023-02-01, counts; a template that still says Paid for a newer API
#   version is reported, as Azure refuses it).
# custom:
#   id: SS-AKS-016
#   severity: medium
#   requirements: [HA-04]
#   frameworks:
#     cis-aks: ["5.5.3"]
#     mcsb: [BR-1]
#   kinds: [azure.shipshape.dev/ManagedCluster]
#   admission: false
#   remediation: Create pools across zones 1, 2 and 3 with the cluster autoscaler on, and set sku.tier to Standard.
package shipshape.aks.zones_autoscaling

import rego.v1

import data.lib.azure

violation contains {"msg": msg, "details": {"field": azure.pool_field(p, ["availabilityzones"])}} if {
	some p in azure.pools
	count(object.get(p.value, "availabilityzones", [])) < 2
	msg := sprintf("%s runs in %d availability zone(s); spread it across at least two", [azure.pool_label(p), count(object.get(p.value, "availabilityzones", []))])
}

violation contains {"msg": msg, "details": {"field": azure.pool_field(p, ["enableautoscaling"])}} if {
	some p in azure.pools
	not azure.is_true(object.get(p.value, "enableautoscaling", false))
	msg := sprintf("%s does not autoscale; enable the cluster autoscaler", [azure.pool_label(p)])
}

violation contains {"msg": msg, "details": {"field": azure.field(["sku", "tier"])}} if {
	azure.is_cluster
	not tier in {"standard", "premium", "paid"}
	msg := sprintf("%s uses the %s tier, which has no uptime SLA; use Standard or Premium", [azure.label, azure.setting(["sku", "tier"], "Free")])
}

# Paid was the uptime SLA tier until API version 2023-02-01 renamed it
# Standard; a template for a newer API version that still says Paid is
# refused at deployment. Output with no API version (az, Terraform) is from
# a cluster or provider that knows the name.
violation contains {"msg": msg, "details": {"field": azure.field(["sku", "tier"])}} if {
	tier == "paid"
	api_version := azure.setting(["apiversion"], "")
	api_version >= "2023-02-01"
	msg := sprintf("%s uses the Paid tier, which API version %s no longer has (Paid became Standard in 2023-02-01), so the deployment fails; use Standard", [azure.label, api_version])
}

tier := lower(azure.setting(["sku", "tier"], "Free"))
