# METADATA
# title: AKS separates system and user node pools
# description: >-
#   A System node pool tainted CriticalAddonsOnly=true:NoSchedule keeps
#   application pods away from CoreDNS, konnectivity and the other add-ons,
#   and at least one User pool runs the applications.
# custom:
#   id: SS-AKS-009
#   severity: medium
#   requirements: [NODE-03]
#   frameworks:
#     mcsb: [PV-2]
#   kinds: [azure.shipshape.dev/ManagedCluster]
#   admission: false
#   remediation: Taint the System pool with CriticalAddonsOnly=true:NoSchedule (only_critical_addons_enabled in Terraform) and add a User pool for workloads.
package shipshape.aks.system_pool

import rego.v1

import data.lib.azure

mode(p) := lower(object.get(p.value, "mode", "User"))

dedicated(p) if {
	some taint in object.get(p.value, "nodetaints", [])
	startswith(taint, "CriticalAddonsOnly")
}

violation contains {"msg": msg, "details": {"field": azure.pool_field(p, ["nodetaints"])}} if {
	some p in azure.pools
	mode(p) == "system"
	not dedicated(p)
	msg := sprintf("%s is a System pool without the CriticalAddonsOnly=true:NoSchedule taint, so application pods share nodes with cluster add-ons; add the taint", [azure.pool_label(p)])
}

violation contains {"msg": msg, "details": {"field": azure.field(["agentpoolprofiles"])}} if {
	azure.is_cluster
	count(azure.pools) > 0
	count([p | some p in azure.pools; mode(p) == "user"]) == 0
	msg := sprintf("%s has no User node pool; add one for application workloads", [azure.label])
}
