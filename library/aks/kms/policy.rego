# METADATA
# title: AKS encrypts Secrets in etcd with a Key Vault key
# description: >-
#   With Key Vault KMS (securityProfile.azureKeyVaultKms.enabled) the
#   cluster's Secrets are envelope-encrypted in etcd with a key you control
#   and can rotate or revoke.
# custom:
#   id: SS-AKS-014
#   severity: high
#   requirements: [SEC-04]
#   frameworks:
#     cis-aks: ["5.6.1"]
#     mcsb: [DP-5]
#   kinds: [azure.shipshape.dev/ManagedCluster]
#   admission: false
#   remediation: Enable KMS etcd encryption with a Key Vault key (az aks update --enable-azure-keyvault-kms, or a key_management_service block).
package shipshape.aks.kms

import rego.v1

import data.lib.azure

violation contains {"msg": msg, "details": {"field": azure.field(["securityprofile", "azurekeyvaultkms"])}} if {
	azure.is_cluster
	not azure.enabled(["securityprofile", "azurekeyvaultkms", "enabled"])
	msg := sprintf("%s does not encrypt Secrets with Key Vault KMS; enable securityProfile.azureKeyVaultKms", [azure.label])
}
