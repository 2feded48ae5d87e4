# METADATA
# title: Secret objects are not committed with data
# description: >-
#   A Secret manifest with data or stringData puts the credential in source
#   control (base64 is an encoding, not encryption). Secrets come from Azure
#   Key Vault through the Secrets Store CSI driver, or from an operator such
#   as External Secrets or Sealed Secrets, not from committed manifests.
# custom:
#   id: SS-SEC-003
#   severity: high
#   requirements: [SEC-02, SEC-03]
#   frameworks:
#     mcsb: [DP-6, IM-8]
#     mitre: [T1552.001]
#   kinds: [Secret]
#   remediation: Delete the Secret from the repository, rotate its values, and deliver them with a SecretProviderClass (Key Vault) or an ExternalSecret.
package shipshape.sec.secret_manifests

import rego.v1

import data.lib.k8s

violation contains {"msg": msg, "details": {"field": [field]}} if {
	some field in ["data", "stringData"]
	keys := object.keys(k8s.get(k8s.resource, field, {}))
	count(keys) > 0
	msg := sprintf("%s commits %s (%s) to source; remove it, rotate the values and deliver them from Key Vault (SecretProviderClass) or an ExternalSecret", [k8s.label, field, concat(", ", sort(keys))])
}
