# METADATA
# title: The Azure Policy add-on gates deployments
# description: >-
#   The Azure Policy add-on runs Gatekeeper in the cluster and enforces the
#   assigned policy definitions (such as shipshape's own export) at
#   admission. addonProfiles.azurepolicy.enabled must be true.
# custom:
#   id: SS-AKS-012
#   severity: medium
#   requirements: [RT-02]
#   frameworks:
#     cis-aks: ["4.2"]
#     mcsb: [PV-2]
#   kinds: [azure.shipshape.dev/ManagedCluster]
#   admission: false
#   remediation: Enable the add-on (az aks enable-addons --addons azure-policy, or azure_policy_enabled = true).
package shipshape.aks.azure_policy_addon

import rego.v1

import data.lib.azure

violation contains {"msg": msg, "details": {"field": azure.field(["addonprofiles", "azurepolicy"])}} if {
	azure.is_cluster
	not azure.is_true(azure.setting(["addonprofiles", "azurepolicy", "enabled"], false))
	msg := sprintf("%s does not enable the Azure Policy add-on, so no admission policy is enforced; enable addonProfiles.azurepolicy", [azure.label])
}
