# METADATA
# title: Dockerfiles hold no secrets in ENV or ARG
# description: >-
#   ENV values are baked into the image configuration and ARG values into
#   its build history: anyone who can pull the image can read them. A build
#   argument or variable with a secret-sounding name, or a value that looks
#   like a credential, is reported. Pass build secrets with
#   RUN --mount=type=secret instead.
# custom:
#   id: SS-DF-004
#   severity: high
#   requirements: [IMG-11]
#   frameworks:
#     cis-docker: ["4.10"]
#     mcsb: [DP-6]
#   kinds: [shipshape.dev/Dockerfile]
#   admission: false
#   remediation: Remove the value; pass build secrets with RUN --mount=type=secret and runtime secrets from Key Vault through the Secrets Store CSI driver.
package shipshape.df.build_secrets

import rego.v1

import data.lib.dockerfiles
import data.lib.k8s
import data.lib.secrets

# variables are every ENV and ARG entry, and the global ARGs, with paths.
variables contains {"kind": "ENV", "key": kv.key, "value": kv.value, "path": array.concat(i.path, ["env", n]), "line": i.value.line} if {
	some i in dockerfiles.instructions
	some n, kv in object.get(i.value, "env", [])
}

variables contains {"kind": "ARG", "key": kv.key, "value": kv.value, "path": array.concat(i.path, ["args", n]), "line": i.value.line} if {
	some i in dockerfiles.instructions
	some n, kv in object.get(i.value, "args", [])
}

variables contains {"kind": "ARG", "key": a.name, "value": a.value, "path": ["args", n], "line": a.line} if {
	dockerfiles.is_dockerfile
	some n, a in k8s.get(k8s.resource, "args", [])
}

violation contains {"msg": msg, "details": {"field": v.path}} if {
	some v in variables
	reason := literal_finding(v)
	msg := sprintf("%s line %d: %s %s holds a literal secret (%s); pass it with RUN --mount=type=secret", [dockerfiles.label, v.line, v.kind, v.key, reason])
}

# A credential's name is enough: a build argument's value is kept in the
# image history and an ENV value (even $VAR expanded from an argument) in
# the image configuration, whatever the Dockerfile writes.
violation contains {"msg": msg, "details": {"field": v.path}} if {
	some v in variables
	not literal_finding(v)
	secrets.credential_name(v.key)
	not secrets.switch(v.value)
	msg := sprintf("%s line %d: %s", [dockerfiles.label, v.line, sprintf(kept[v.kind], [v.key])])
}

kept := {
	"ARG": "build argument %s names a credential, and build arguments are kept in the image history; use RUN --mount=type=secret",
	"ENV": "ENV %s names a credential, and ENV values are kept in the image configuration; use RUN --mount=type=secret at build time and a mounted secret at run time",
}

literal_finding(v) := reason if {
	is_string(v.value)
	reason := secrets.finding(v.key, v.value)
	reason != ""
}
