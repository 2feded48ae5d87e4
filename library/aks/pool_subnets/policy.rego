# METADATA
# title: Production and non-production node pools use separate subnets
# description: >-
#   Node pools labelled for different environments (the node label named by
#   environmentLabel, e.g. environment: production and environment: dev)
#   must not share a subnet, so network rules can tell their traffic apart.
# custom:
#   id: SS-AKS-018
#   severity: medium
#   requirements: [NET-13]
#   frameworks:
#     mcsb: [NS-1]
#   kinds: [azure.shipshape.dev/ManagedCluster]
#   admission: false
#   parameters:
#     type: object
#     properties:
#       environmentLabel: {type: string, default: environment}
#   remediation: Give each environment's node pools their own subnet (vnetSubnetID).
package shipshape.aks.pool_subnets

import rego.v1

import data.lib.azure

environment(p) := object.get(p.value, ["nodelabels", input.parameters.environmentLabel], "")

subnet(p) := lower(object.get(p.value, "vnetsubnetid", ""))

violation contains {"msg": msg, "details": {"field": azure.pool_field(b, ["vnetsubnetid"])}} if {
	some a in azure.pools
	some b in azure.pools
	a.index < b.index
	environment(a) != ""
	environment(b) != ""
	environment(a) != environment(b)
	subnet(a) == subnet(b)
	msg := sprintf("%s (%s) shares its subnet with node pool %q (%s); give each environment its own subnet", [azure.pool_label(b), environment(b), object.get(a.value, "name", sprintf("#%d", [a.index])), environment(a)])
}
