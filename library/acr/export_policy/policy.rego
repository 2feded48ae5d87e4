# METADATA
# title: ACR exports are disabled
# description: >-
#   With the export policy enabled (Azure's default), anyone who may read
#   the registry can copy its images out with az acr import into another
#   registry or an acr transfer pipeline, beyond the network rules that guard
#   pulls. policies.exportPolicy.status must be disabled, which Azure allows
#   on Premium registries with public network access disabled. Azure Policy's
#   built-in "Container registries should have exports disabled" checks the
#   same.
# custom:
#   id: SS-ACR-006
#   severity: medium
#   requirements: [IMG-13]
#   frameworks:
#     mcsb: [DP-2]
#   kinds: [azure.shipshape.dev/ContainerRegistry]
#   admission: false
#   remediation: Disable public network access and then exports (az acr update --public-network-enabled false --allow-exports false, or export_policy_enabled = false) on a Premium registry.
package shipshape.acr.export_policy

import rego.v1

import data.lib.azure

status := ["policies", "exportpolicy", "status"]

violation contains {"msg": msg, "details": {"field": azure.field(status)}} if {
	azure.is_registry
	not disabled
	msg := azure.verdict(status, "exportPolicy.status", "allows exports", sprintf("%s allows exports (exportPolicy.status is %s), so its images can be copied out with az acr import or transfer pipelines; disable exports (Premium, with public network access disabled)", [azure.label, azure.shown(status)]))
}

disabled if lower(azure.setting(status, "")) == "disabled"
