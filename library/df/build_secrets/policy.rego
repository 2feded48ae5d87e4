# METADATA
# title: Dockerfiles hold no secrets in ENV or ARG
# description: >-
#   ENV values are baked into the image configuration and ARG values into
#   its build history: anyone who can pull the image can read them. A build
#   argument or variable with a credential's name (as BuildKit's
#   SecretsUsedInArgOrEnv and Trivy DS-0031 read names), or a value that
#   looks like a credential, is reported; so is a credentials file the final
#   stage copies in (GOOGLE_APPLICATION_CREDENTIALS, AWS_CONFIG_FILE) and a
#   CLI login in RUN (aws configure set, gcloud auth, az login -p, doctl
#   auth init -t) without a secret mount. Pass build secrets with
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
	named_credential(v.key)
	not secrets.switch(v.value)
	not secrets.file_path(v.value)
	not v.key in secret_file_variables
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

# named_credential is a credential's name, or the user half of a Jenkins
# usernamePassword binding (ARTIFACTORY_USR beside ARTIFACTORY_PSW), which
# Trivy DS-0031 reports with it.
named_credential(name) if secrets.credential_name(name)

named_credential(name) if {
	ws := secrets.words(name)
	ws[count(ws) - 1] == "usr"
}

# secret_file_variables point tools at a credentials file; a path in one
# is harmless unless the image holds the file.
secret_file_variables := {"GOOGLE_APPLICATION_CREDENTIALS", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "HF_TOKEN_PATH", "AZURE_CLIENT_CERTIFICATE_PATH"}

violation contains {"msg": msg, "details": {"field": v.path}} if {
	some v in variables
	v.key in secret_file_variables
	some c in dockerfiles.final_instructions
	under(v.value, c.value.dest)
	msg := sprintf("%s line %d: %s %s points at %s, which line %d copies into the image; mount the credentials file at run time instead", [dockerfiles.label, v.line, v.kind, v.key, v.value, c.value.line])
}

violation contains {"msg": msg, "details": {"field": array.concat(c.path, ["dest"])}} if {
	some c in dockerfiles.final_instructions
	some name in secret_file_variables
	c.value.dest in {concat("", ["$", name]), concat("", ["${", name, "}"])}
	msg := sprintf("%s line %d: %s writes a file to $%s, so the image holds the credentials it names; mount it at run time instead", [dockerfiles.label, c.value.line, c.value.instruction, name])
}

# under is true when path lies in the directory a final-stage COPY or ADD
# writes to (both read from the root, as WORKDIR-relative paths in these
# variables usually are; a copy to / holds every path).
under(path, dest) if {
	d := trim_right(root_relative(dest), "/")
	startswith(root_relative(path), concat("", [d, "/"]))
}

under(path, dest) if {
	is_string(path)
	root_relative(dest) == ""
}

root_relative(p) := trim_left(trim_prefix(trim_prefix(p, "."), "/"), "/")

# credential_setup are commands that store a credential in the layer they
# run in (the AWS, gcloud, Azure and DigitalOcean CLIs' configuration).
credential_setup := [
	`aws\s+configure\s+set\s+aws_(access_key_id|secret_access_key|session_token)`,
	`gcloud\s+auth\s+activate-service-account`,
	`az\s+login\b.*\s(-p|--password|--federated-token)[\s=]`,
	`doctl\s+auth\s+init\b.*\s(-t|--access-token)[\s=]`,
]

violation contains {"msg": msg, "details": {"field": i.path}} if {
	some i in dockerfiles.instructions
	i.value.instruction == "RUN"
	not contains(i.value.original, "--mount=type=secret")
	some pattern in credential_setup
	[command] := regex.find_n(pattern, i.value.original, 1)
	msg := sprintf("%s line %d: RUN stores a credential in the image layer (%s); pass it with RUN --mount=type=secret and keep the tool's configuration out of the image", [dockerfiles.label, i.value.line, command])
}
