# METADATA
# title: Secrets are encrypted at rest with a KMS provider
# description: >-
#   A self-managed API server must read an EncryptionConfiguration
#   (--encryption-provider-config), and in it the first resource entry that
#   covers Secrets must list a kms provider first: the first provider
#   encrypts new writes, identity first stores Secrets in plaintext in etcd,
#   and aescbc, aesgcm or secretbox keep the key on the control-plane node
#   beside the data.
# custom:
#   id: SS-CP-005
#   severity: high
#   requirements: [SEC-04]
#   frameworks:
#     cis-k8s: ["1.2.27", "1.2.28"]
#     mcsb: [DP-5]
#   kinds: [Pod, apiserver.config.k8s.io/EncryptionConfiguration]
#   admission: false
#   remediation: Point --encryption-provider-config at an EncryptionConfiguration whose Secrets entry lists a kms (v2) provider first, backed by Azure Key Vault or another KMS.
package shipshape.cp.encryption_at_rest

import rego.v1

import data.lib.apiserver
import data.lib.k8s
import data.lib.pods

# applies: the kube-apiserver Pod and the configuration file it reads.
applies if count(apiserver.containers) > 0

applies if is_config

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in apiserver.containers
	not apiserver.has(c, "encryption-provider-config")
	field := apiserver.flag_field(c, "encryption-provider-config")
	msg := sprintf("%s does not set --encryption-provider-config, so Secrets are stored unencrypted in etcd; point it at an EncryptionConfiguration with a kms provider", [pods.label(c)])
}

is_config if k8s.has_kind("apiserver.config.k8s.io", "EncryptionConfiguration")

# entries are the configuration's resource entries, indexed as in the file
# (an entry that is not an object covers nothing: k8s.get reads no resources).
entries := k8s.get(k8s.resource, "resources", [])

# covers_secrets is true when an entry's resources include Secrets, by name
# or by a wildcard for the core group or every group.
covers_secrets(entry) if {
	some r in k8s.get(entry, "resources", [])
	r in {"secrets", "secrets.", "*.", "*.*"}
}

secrets_entries := [i | some i, e in entries; covers_secrets(e)]

violation contains {"msg": msg, "details": {"field": ["resources"]}} if {
	is_config
	count(secrets_entries) == 0
	msg := sprintf("%s has no entry for secrets, so they are stored unencrypted; add one with a kms provider first", [k8s.label])
}

violation contains {"msg": msg, "details": {"field": ["resources", i, "providers", 0]}} if {
	is_config
	i := secrets_entries[0]
	providers := k8s.get(entries[i], "providers", [])
	first := provider_name(providers)
	first != "kms"
	msg := sprintf("%s encrypts secrets with %s first (resources[%d]); %s", [k8s.label, first, i, object.get(advice, first, "list a kms provider first")])
}

# provider_name names an entry's provider; an entry names one (the API
# server refuses one that names several).
provider_name(providers) := name if {
	[name] := [k | some k in object.keys(providers[0])]
} else := "several providers in one entry" if {
	count(object.keys(providers[0])) > 0
} else := "no provider"

# advice says why a first provider is not enough; any other name (no
# provider, or one the API server does not know) gets the bare fix.
advice := {
	"identity": "identity stores them in plaintext; list a kms provider first",
	"aescbc": "its key sits on the control-plane node beside the data; list a kms provider first",
	"aesgcm": "its key sits on the control-plane node beside the data; list a kms provider first",
	"secretbox": "its key sits on the control-plane node beside the data; list a kms provider first",
	"several providers in one entry": "the API server refuses an entry that names more than one provider; give each its own entry, a kms provider first",
}
