# METADATA
# title: AKS has the OIDC issuer and Workload ID enabled
# description: >-
#   Pods get Azure tokens through Microsoft Entra Workload ID, which needs
#   the cluster's OIDC issuer (oidcIssuerProfile.enabled) and the workload
#   identity webhook (securityProfile.workloadIdentity.enabled). Without
#   them workloads fall back to secrets or node identities.
# custom:
#   id: SS-AKS-004
#   severity: medium
#   requirements: [IAM-14]
#   frameworks:
#     mcsb: [IM-3]
#   kinds: [azure.shipshape.dev/ManagedCluster]
#   admission: false
#   remediation: Enable both (az aks update --enable-oidc-issuer --enable-workload-identity, or oidc_issuer_enabled and workload_identity_enabled = true).
package shipshape.aks.workload_identity

import rego.v1

import data.lib.azure

required := [
	{"path": ["oidcissuerprofile", "enabled"], "name": "oidcIssuerProfile.enabled"},
	{"path": ["securityprofile", "workloadidentity", "enabled"], "name": "securityProfile.workloadIdentity.enabled"},
]

violation contains {"msg": msg, "details": {"field": azure.field(r.path)}} if {
	azure.is_cluster
	some r in required
	not azure.enabled(r.path)
	msg := azure.verdict(r.path, r.name, "enables Workload ID", sprintf("%s does not set %s (it is %s); enable it for Workload ID", [azure.label, r.name, azure.shown(r.path)]))
}
