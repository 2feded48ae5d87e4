# METADATA
# title: The API server serves only TLS 1.2 or later with strong ciphers
# description: >-
#   kube-apiserver must not serve plain HTTP (--insecure-port other than 0,
#   or --insecure-bind-address), must not accept TLS older than 1.2
#   (--tls-min-version), and must restrict --tls-cipher-suites to AEAD
#   suites: without the flag, Go's defaults still offer CBC suites.
# custom:
#   id: SS-CP-003
#   severity: high
#   requirements: [NET-14]
#   frameworks:
#     cis-k8s: ["1.2.29"]
#     mcsb: [DP-3]
#   kinds: [Pod]
#   admission: false
#   remediation: Remove --insecure-port and --insecure-bind-address, set --tls-min-version=VersionTLS12 (or 13) and --tls-cipher-suites to ECDHE AES-GCM or ChaCha20-Poly1305 suites.
package shipshape.cp.tls

import rego.v1

import data.lib.apiserver
import data.lib.pods

# applies: only the kube-apiserver Pod is this control's to judge.
applies if count(apiserver.containers) > 0

modern_versions := {"VersionTLS12", "VersionTLS13"}

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in apiserver.containers
	port := apiserver.value(c, "insecure-port")
	trim_space(port) != "0"
	field := apiserver.field(c, "insecure-port")
	msg := sprintf("%s sets --insecure-port=%s, serving the API without TLS or authentication; remove it", [pods.label(c), port])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in apiserver.containers
	trim_space(apiserver.value(c, "secure-port")) == "0"
	field := apiserver.field(c, "secure-port")
	msg := sprintf("%s sets --secure-port=0, which turns off serving the API over TLS; remove it or set the port (6443)", [pods.label(c)])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in apiserver.containers
	apiserver.has(c, "insecure-bind-address")
	field := apiserver.field(c, "insecure-bind-address")
	msg := sprintf("%s sets --insecure-bind-address; remove it so the API is served over TLS only", [pods.label(c)])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in apiserver.containers
	version := apiserver.value(c, "tls-min-version")
	not version in modern_versions
	field := apiserver.field(c, "tls-min-version")
	msg := sprintf("%s sets --tls-min-version=%s; use VersionTLS12 or VersionTLS13", [pods.label(c), version])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in apiserver.containers
	count(apiserver.list(c, "tls-cipher-suites")) == 0
	field := apiserver.flag_field(c, "tls-cipher-suites")
	msg := sprintf("%s does not set --tls-cipher-suites, so Go's defaults (with CBC suites) apply; list ECDHE AES-GCM or ChaCha20-Poly1305 suites", [pods.label(c)])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in apiserver.containers
	some suite in apiserver.list(c, "tls-cipher-suites")
	not suite in apiserver.strong_suites
	field := apiserver.field(c, "tls-cipher-suites")
	msg := sprintf("%s allows the weak cipher suite %s in --tls-cipher-suites; keep only ECDHE AES-GCM or ChaCha20-Poly1305 suites", [pods.label(c), suite])
}
