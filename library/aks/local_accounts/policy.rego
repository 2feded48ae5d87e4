# METADATA
# title: AKS local accounts are disabled
# description: >-
#   With local accounts enabled, `az aks get-credentials --admin` hands out a
#   static cluster-admin certificate that bypasses Entra ID and cannot be
#   revoked short of rotating the cluster CA. disableLocalAccounts must be
#   true.
# custom:
#   id: SS-AKS-003
#   severity: high
#   requirements: [IAM-03]
#   frameworks:
#     cis-aks: ["5.5.1"]
#     mcsb: [IM-1, PA-1]
#   kinds: [azure.shipshape.dev/ManagedCluster]
#   admission: false
#   remediation: Set disableLocalAccounts to true (az aks update --disable-local-accounts, or local_account_disabled = true).
package shipshape.aks.local_accounts

import rego.v1

import data.lib.azure

violation contains {"msg": msg, "details": {"field": azure.field(["disablelocalaccounts"])}} if {
	azure.is_cluster
	not azure.enabled(["disablelocalaccounts"])
	msg := azure.verdict(["disablelocalaccounts"], "disableLocalAccounts", "keeps local accounts", sprintf("%s keeps local accounts (disableLocalAccounts is %s), so a static admin credential exists; disable them", [azure.label, azure.shown(["disablelocalaccounts"])]))
}
