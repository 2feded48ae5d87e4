# METADATA
# title: Microsoft Defender for Containers monitors the cluster
# description: >-
#   The Defender sensor DaemonSet (securityProfile.defender.securityMonitoring.enabled)
#   detects runtime threats on the nodes and reports to a Log Analytics
#   workspace (logAnalyticsWorkspaceResourceId), which must be named.
# custom:
#   id: SS-AKS-011
#   severity: high
#   requirements: [RT-01, RT-03]
#   frameworks:
#     mcsb: [LT-1]
#   kinds: [azure.shipshape.dev/ManagedCluster]
#   admission: false
#   remediation: Enable the Defender profile with a Log Analytics workspace (az aks update --enable-defender, or a microsoft_defender block).
package shipshape.aks.defender

import rego.v1

import data.lib.azure

violation contains {"msg": msg, "details": {"field": azure.field(["securityprofile", "defender"])}} if {
	azure.is_cluster
	not azure.enabled(["securityprofile", "defender", "securitymonitoring", "enabled"])
	msg := sprintf("%s does not run the Defender for Containers sensor; enable securityProfile.defender.securityMonitoring", [azure.label])
}

violation contains {"msg": msg, "details": {"field": azure.field(["securityprofile", "defender"])}} if {
	azure.enabled(["securityprofile", "defender", "securitymonitoring", "enabled"])
	azure.setting(["securityprofile", "defender", "loganalyticsworkspaceresourceid"], "") == ""
	msg := sprintf("%s enables Defender without a Log Analytics workspace; set logAnalyticsWorkspaceResourceId", [azure.label])
}
