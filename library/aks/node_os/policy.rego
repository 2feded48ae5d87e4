# METADATA
# title: AKS Linux node pools run Azure Linux or Ubuntu
# description: >-
#   Node pools must use a minimal, hardened OS that AKS patches: Azure Linux
#   (formerly CBL-Mariner) or Ubuntu, which is the default when osSKU is
#   unset. Windows pools run a general-purpose OS outside this baseline and
#   are reported for review.
# custom:
#   id: SS-AKS-007
#   severity: medium
#   requirements: [NODE-01]
#   frameworks:
#     cis-aks: ["3.1"]
#     mcsb: [PV-4]
#   kinds: [azure.shipshape.dev/ManagedCluster]
#   admission: false
#   remediation: Set the pool's osSKU to AzureLinux (or Ubuntu) and recreate the pool.
package shipshape.aks.node_os

import rego.v1

import data.lib.azure

hardened := {"azurelinux", "azurelinux3", "cblmariner", "mariner", "ubuntu", "ubuntu2204", "ubuntu2404"}

violation contains {"msg": msg, "details": {"field": azure.pool_field(p, ["ossku"])}} if {
	some p in azure.pools
	sku := object.get(p.value, "ossku", "Ubuntu")
	not lower(sku) in hardened
	msg := sprintf("%s runs osSKU %s; use AzureLinux or Ubuntu", [azure.pool_label(p), json.marshal(sku)])
}
