# METADATA
# title: AKS authenticates users with Microsoft Entra ID
# description: >-
#   The cluster must use AKS-managed Microsoft Entra ID integration
#   (aadProfile.managed: true; in Terraform an
#   azure_active_directory_role_based_access_control block), so users sign in
#   with Entra identities, conditional access and MFA instead of certificates
#   issued by the cluster.
# custom:
#   id: SS-AKS-001
#   severity: high
#   requirements: [IAM-01]
#   frameworks:
#     cis-aks: ["5.5.1"]
#     mcsb: [IM-1]
#   kinds: [azure.shipshape.dev/ManagedCluster]
#   admission: false
#   remediation: Enable AKS-managed Entra ID integration (aadProfile.managed true, az aks update --enable-aad, or an azure_active_directory_role_based_access_control block).
package shipshape.aks.entra_id

import rego.v1

import data.lib.azure

violation contains {"msg": msg, "details": {"field": azure.field(["aadprofile"])}} if {
	azure.is_cluster
	not azure.enabled(["aadprofile", "managed"])
	msg := azure.verdict(["aadprofile", "managed"], "aadProfile.managed", "uses AKS-managed Entra ID integration", sprintf("%s does not use AKS-managed Entra ID integration (aadProfile.managed is %s); enable it so users authenticate with Entra ID", [azure.label, azure.shown(["aadprofile", "managed"])]))
}
