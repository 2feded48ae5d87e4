# METADATA
# title: AKS runs a network policy engine
# description: >-
#   NetworkPolicies do nothing without an engine. networkProfile.networkPolicy
#   must be cilium, azure or calico (or the Cilium dataplane must be on);
#   kubenet without a policy, or "none", leaves every pod reachable.
# custom:
#   id: SS-AKS-006
#   severity: high
#   requirements: [NET-02]
#   frameworks:
#     cis-aks: ["5.4.4"]
#     mcsb: [NS-1]
#   kinds: [azure.shipshape.dev/ManagedCluster]
#   admission: false
#   remediation: Create the cluster with Azure CNI powered by Cilium (networkPolicy and networkDataplane cilium), or networkPolicy azure or calico.
package shipshape.aks.network_policy

import rego.v1

import data.lib.azure

engines := {"cilium", "azure", "calico"}

policy := lower(p) if {
	p := azure.setting(["networkprofile", "networkpolicy"], "")
	is_string(p)
} else := ""

cilium_dataplane if lower(azure.setting(["networkprofile", "networkdataplane"], "")) == "cilium"

violation contains {"msg": msg, "details": {"field": azure.field(["networkprofile", "networkpolicy"])}} if {
	azure.is_cluster
	not policy in engines
	not cilium_dataplane
	msg := azure.verdict(["networkprofile", "networkpolicy"], "networkProfile.networkPolicy", "enforces NetworkPolicies", sprintf("%s has no network policy engine (networkProfile.networkPolicy is %s), so NetworkPolicies are not enforced; use cilium, azure or calico", [azure.label, azure.shown(["networkprofile", "networkpolicy"])]))
}
