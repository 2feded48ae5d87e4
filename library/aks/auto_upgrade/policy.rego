# METADATA
# title: AKS upgrades the cluster and node images automatically
# description: >-
#   autoUpgradeProfile.upgradeChannel must be set to a channel (patch,
#   stable, rapid or node-image), not none or unset, and
#   nodeOSUpgradeChannel must be NodeImage or SecurityPatch, so security
#   fixes reach the control plane and the nodes without waiting for someone
#   to remember.
# custom:
#   id: SS-AKS-008
#   severity: medium
#   requirements: [NODE-02]
#   frameworks:
#     cis-aks: ["5.5.2"]
#     mcsb: [PV-6]
#   kinds: [azure.shipshape.dev/ManagedCluster]
#   admission: false
#   remediation: Set autoUpgradeProfile.upgradeChannel to patch or stable and nodeOSUpgradeChannel to NodeImage or SecurityPatch, with a planned maintenance window.
package shipshape.aks.auto_upgrade

import rego.v1

import data.lib.azure

channel_path := ["autoupgradeprofile", "upgradechannel"]

node_path := ["autoupgradeprofile", "nodeosupgradechannel"]

violation contains {"msg": msg, "details": {"field": azure.field(channel_path)}} if {
	azure.is_cluster
	not upgrades
	msg := azure.verdict(channel_path, "upgradeChannel", "upgrades automatically", sprintf("%s has no automatic upgrade channel (upgradeChannel is %s); set patch or stable", [azure.label, azure.shown(channel_path)]))
}

violation contains {"msg": msg, "details": {"field": azure.field(node_path)}} if {
	azure.is_cluster
	not lower(azure.setting(node_path, "")) in {"nodeimage", "securitypatch"}
	msg := azure.verdict(node_path, "nodeOSUpgradeChannel", "patches node images automatically", sprintf("%s does not patch node images automatically (nodeOSUpgradeChannel is %s); set NodeImage or SecurityPatch", [azure.label, azure.shown(node_path)]))
}

# upgrades is true when the cluster names an upgrade channel other than
# none (an expression in its place decides nothing).
upgrades if {
	lower(azure.setting(channel_path, "none")) != "none"
	not azure.undecided(channel_path)
}
