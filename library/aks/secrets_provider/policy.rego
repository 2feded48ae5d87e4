# METADATA
# title: Key Vault secrets reach pods through the CSI driver, rotated
# description: >-
#   The Azure Key Vault provider for the Secrets Store CSI driver
#   (addonProfiles.azureKeyvaultSecretsProvider) mounts Key Vault secrets
#   into pods without copying them into Kubernetes Secrets, and with
#   enableSecretRotation "true" it picks up rotated values.
# custom:
#   id: SS-AKS-013
#   severity: medium
#   requirements: [SEC-03, SEC-05]
#   frameworks:
#     mcsb: [DP-6, DP-7]
#   kinds: [azure.shipshape.dev/ManagedCluster]
#   admission: false
#   remediation: Enable the add-on with rotation (az aks enable-addons --addons azure-keyvault-secrets-provider --enable-secret-rotation).
package shipshape.aks.secrets_provider

import rego.v1

import data.lib.azure

addon := ["addonprofiles", "azurekeyvaultsecretsprovider"]

violation contains {"msg": msg, "details": {"field": azure.field(addon)}} if {
	azure.is_cluster
	not azure.is_true(azure.setting(array.concat(addon, ["enabled"]), false))
	msg := azure.verdict(array.concat(addon, ["enabled"]), "addonProfiles.azureKeyvaultSecretsProvider.enabled", "runs the Key Vault secrets provider", sprintf("%s does not enable the Key Vault secrets provider add-on; enable it so pods read secrets from Key Vault", [azure.label]))
}

violation contains {"msg": msg, "details": {"field": azure.field(array.concat(addon, ["config", "enablesecretrotation"]))}} if {
	azure.is_true(azure.setting(array.concat(addon, ["enabled"]), false))
	not azure.is_true(azure.setting(array.concat(addon, ["config", "enablesecretrotation"]), false))
	msg := azure.verdict(array.concat(addon, ["config", "enablesecretrotation"]), "enableSecretRotation", "rotates secrets", sprintf("%s runs the Key Vault secrets provider without rotation (enableSecretRotation is %s); enable it", [azure.label, azure.shown(array.concat(addon, ["config", "enablesecretrotation"]))]))
}
