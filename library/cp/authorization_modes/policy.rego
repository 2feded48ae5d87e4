# METADATA
# title: The API server authorizes with Node and RBAC, never AlwaysAllow
# description: >-
#   --authorization-mode decides who may do what. Unset it is AlwaysAllow:
#   every authenticated request, anonymous ones included when anonymous
#   auth is on, may do anything. AlwaysAllow anywhere in the list wins for
#   every request the modes before it do not deny; without Node, kubelets
#   are not confined to their own node's objects; without RBAC, roles and
#   bindings are ignored. A structured --authorization-config file cannot be
#   read from the manifest, so it is reported for review.
# custom:
#   id: SS-CP-007
#   severity: critical
#   requirements: [NODE-07]
#   frameworks:
#     cis-k8s: ["1.2.6", "1.2.7", "1.2.8"]
#     mcsb: [PA-7]
#   kinds: [Pod]
#   admission: false
#   remediation: Set --authorization-mode=Node,RBAC on kube-apiserver (add Webhook only for an external authorizer).
package shipshape.cp.authorization_modes

import rego.v1

import data.lib.apiserver
import data.lib.pods

# applies: only the kube-apiserver Pod is this control's to judge.
applies if count(apiserver.containers) > 0

modes(c) := apiserver.list(c, "authorization-mode")

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in apiserver.containers
	count(modes(c)) == 0
	not apiserver.has(c, "authorization-config")
	field := apiserver.flag_field(c, "authorization-mode")
	msg := sprintf("%s does not set --authorization-mode, which then is AlwaysAllow: every authenticated request may do anything; set --authorization-mode=Node,RBAC", [pods.label(c)])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in apiserver.containers
	"AlwaysAllow" in modes(c)
	field := apiserver.field(c, "authorization-mode")
	msg := sprintf("%s lists AlwaysAllow in --authorization-mode, which allows every request the modes before it do not deny; remove it", [pods.label(c)])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in apiserver.containers
	count(modes(c)) > 0
	some mode in ["Node", "RBAC"]
	not mode in modes(c)
	field := apiserver.field(c, "authorization-mode")
	msg := sprintf("%s does not list %s in --authorization-mode (%s); set --authorization-mode=Node,RBAC", [pods.label(c), mode, concat(",", modes(c))])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in apiserver.containers
	field := apiserver.field(c, "authorization-config")
	msg := sprintf("%s takes its authorizers from --authorization-config=%s, a file the scan does not read, so Node, RBAC and AlwaysAllow cannot be checked; review the file's authorizers, or use --authorization-mode=Node,RBAC", [pods.label(c), apiserver.value(c, "authorization-config")])
}
