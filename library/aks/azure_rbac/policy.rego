# METADATA
# title: AKS authorizes with Azure RBAC on top of Kubernetes RBAC
# description: >-
#   Kubernetes RBAC must stay on (enableRBAC is not false) and Azure RBAC for
#   Kubernetes authorization must be enabled (aadProfile.enableAzureRBAC),
#   so access is granted and reviewed in Entra ID and Azure role assignments
#   as well as in cluster roles.
# custom:
#   id: SS-AKS-002
#   severity: medium
#   requirements: [IAM-02]
#   frameworks:
#     cis-aks: ["5.5.1"]
#     mcsb: [PA-7]
#   kinds: [azure.shipshape.dev/ManagedCluster]
#   admission: false
#   remediation: Set aadProfile.enableAzureRBAC to true (az aks update --enable-azure-rbac, or azure_rbac_enabled = true) and keep enableRBAC true.
package shipshape.aks.azure_rbac

import rego.v1

import data.lib.azure

violation contains {"msg": msg, "details": {"field": azure.field(["aadprofile", "enableazurerbac"])}} if {
	azure.is_cluster
	not azure.enabled(["aadprofile", "enableazurerbac"])
	msg := azure.verdict(["aadprofile", "enableazurerbac"], "aadProfile.enableAzureRBAC", "enables Azure RBAC for Kubernetes", sprintf("%s does not enable Azure RBAC for Kubernetes (aadProfile.enableAzureRBAC is %s); enable it", [azure.label, azure.shown(["aadprofile", "enableazurerbac"])]))
}

# With Kubernetes RBAC off every authenticated user is cluster admin: the
# finding is critical, whatever the control's severity for Azure RBAC.
violation contains {"msg": msg, "details": {"field": azure.field(["enablerbac"]), "severity": "critical"}} if {
	azure.is_cluster
	azure.read(["enablerbac"], true) != true
	msg := azure.verdict(["enablerbac"], "enableRBAC", "turns Kubernetes RBAC off", sprintf("%s turns Kubernetes RBAC off (enableRBAC is %s); every authenticated user would be cluster admin", [azure.label, azure.shown(["enablerbac"])]))
}
