# METADATA
# title: Manifests hold no plain-text secrets
# description: >-
#   Credentials in manifests end up in Git history, CI logs and every clone.
#   Env values, commands, arguments and ConfigMap data are searched for
#   known credential formats (Azure keys and SAS tokens, JWTs, PEM keys,
#   GitHub, npm, AWS and Slack tokens, passwords in URLs), random values
#   under secret names, any literal under a credential's name (DB_PASSWORD;
#   not references, switches or empty values) and credentials assigned
#   inside a value (an env file); a flag is judged by its value.
# custom:
#   id: SS-SEC-002
#   severity: critical
#   requirements: [SEC-02]
#   frameworks:
#     mcsb: [DP-6, IM-8]
#     nsa-cisa: [Kubernetes Pod security]
#     mitre: [T1552.001]
#   kinds: [workloads, ConfigMap]
#   remediation: Remove the value, rotate the credential, and store it in Azure Key Vault (Secrets Store CSI driver) or a Secret created outside source control.
package shipshape.sec.literal_secrets

import rego.v1

import data.lib.k8s
import data.lib.pods
import data.lib.secrets

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["env", i, "value"])}} if {
	some c in pods.containers
	some i, env in c.value.env
	reason := secrets.finding(object.get(env, "name", ""), object.get(env, "value", null))
	reason != ""
	msg := sprintf("%s sets environment variable %v to a literal that %s; remove it, rotate it and load it from Key Vault", [pods.label(c), object.get(env, "name", ""), reason])
}

violation contains {"msg": msg, "details": {"field": pods.container_field(c, [list, i])}} if {
	some c in pods.containers
	some list in ["command", "args"]
	some i, arg in c.value[list]
	reason := argument_finding(arg)
	msg := sprintf("%s passes a credential in %s[%d] (it %s); read it from a mounted file instead", [pods.label(c), list, i, reason])
}

violation contains {"msg": msg, "details": {"field": ["data", key]}} if {
	k8s.has_kind("", "ConfigMap")
	some key, value in k8s.get(k8s.resource, "data", {})
	reason := secrets.finding(key, value)
	reason != ""
	msg := sprintf("%s key %q holds a value that %s; ConfigMaps are not for secrets, store it in Key Vault", [k8s.label, key, reason])
}

# argument_finding judges the value a flag sets, not the flag's name alone:
# a known credential format; a random-looking value under a secret-sounding
# flag that does not name an object (--secret-name=web-tls names a Secret);
# or any literal under a password flag.
argument_finding(arg) := sprintf("looks like %s", [secrets.kind_of(arg)]) if {
	secrets.kind_of(arg)
} else := sprintf("sets --%s to a value that looks generated", [name]) if {
	[name, value] := flag(arg)
	secrets.secret_name(name)
	not secrets.names_an_object(name)
	secrets.looks_random(value)
} else := sprintf("sets --%s to a literal password", [name]) if {
	[name, value] := flag(arg)
	secrets.password_name(name)
	not secrets.reference(value)
}

# flag splits "--name=value" (or "-name=value").
flag(arg) := [name, value] if {
	[[_, name, value]] := regex.find_all_string_submatch_n(`^--?([A-Za-z0-9_.-]+)=(.+)$`, arg, 1)
}
