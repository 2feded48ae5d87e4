# METADATA
# title: Container Insights monitors the cluster
# description: >-
#   Container Insights (the monitoring add-on, addonProfiles.omsagent, or
#   azureMonitorProfile.containerInsights on newer API versions) collects
#   container logs and metrics into Azure Monitor for alerting and
#   investigation.
# custom:
#   id: SS-AKS-015
#   severity: medium
#   requirements: [LOG-02]
#   frameworks:
#     mcsb: [LT-5]
#   kinds: [azure.shipshape.dev/ManagedCluster]
#   admission: false
#   remediation: Enable monitoring (az aks enable-addons --addons monitoring, or an oms_agent block).
package shipshape.aks.container_insights

import rego.v1

import data.lib.azure

monitored if azure.is_true(azure.setting(["addonprofiles", "omsagent", "enabled"], false))

monitored if azure.is_true(azure.setting(["azuremonitorprofile", "containerinsights", "enabled"], false))

violation contains {"msg": msg, "details": {"field": azure.field(["addonprofiles"])}} if {
	azure.is_cluster
	not monitored
	msg := sprintf("%s does not enable Container Insights; enable the monitoring add-on", [azure.label])
}
