# METADATA
# title: Secret objects are not committed with data
# description: >-
#   A Secret manifest with data or stringData puts the credential in source
#   control (base64 is an encoding, not encryption). Secrets come from Azure
#   Key Vault through the Secrets Store CSI driver, or from an operator such
#   as External Secrets or Sealed Secrets, not from committed manifests. A
#   Secret a Helm chart fills when it is rendered (genCA, randAlphaNum, or a
#   --set value: data written in no source file, which the host marks) is
#   not committed, but it is not from Key Vault either: a medium finding
#   says so.
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
	keys := object.keys(k8s.get(k8s.resource, field, {})) - generated
	count(keys) > 0
	msg := sprintf("%s commits %s (%s) to source; remove it, rotate the values and deliver them from Key Vault (SecretProviderClass) or an ExternalSecret", [k8s.label, field, concat(", ", sort(keys))])
}

violation contains {"msg": msg, "details": {"field": [field], "severity": "medium"}} if {
	some field in ["data", "stringData"]
	keys := object.keys(k8s.get(k8s.resource, field, {})) & generated
	count(keys) > 0
	msg := sprintf("%s gets %s (%s) when the chart is rendered (written in no source file: made by the template, or passed with --set); each install stores them in the Helm release, so deliver them from Key Vault (SecretProviderClass) or cert-manager instead", [k8s.label, field, concat(", ", sort(keys))])
}

# generated are the keys whose values the chart made when it was rendered;
# the host sets the annotation on rendered Secrets only, and removes it from
# any manifest it reads.
generated := {key |
	some key in split(k8s.annotations["shipshape.dev/rendered-generated-keys"], ",")
	key != ""
}
