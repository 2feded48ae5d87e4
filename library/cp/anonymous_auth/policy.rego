# METADATA
# title: The API server rejects anonymous requests
# description: >-
#   A self-managed kube-apiserver serves anonymous requests unless
#   --anonymous-auth=false; such requests then run as system:anonymous with
#   whatever RBAC grants that user or system:unauthenticated. The flag
#   defaults to true, so it must be given, and as --anonymous-auth=false (a
#   separate "false" argument is not read as its value).
# custom:
#   id: SS-CP-001
#   severity: high
#   requirements: [IAM-04]
#   frameworks:
#     cis-k8s: ["1.2.1"]
#     mcsb: [IM-1]
#   kinds: [Pod]
#   admission: false
#   remediation: Add --anonymous-auth=false to the kube-apiserver command.
package shipshape.cp.anonymous_auth

import rego.v1

import data.lib.apiserver
import data.lib.pods

# applies: only the kube-apiserver Pod is this control's to judge.
applies if count(apiserver.containers) > 0

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in apiserver.containers
	not apiserver.value(c, "anonymous-auth")
	field := apiserver.flag_field(c, "anonymous-auth")
	msg := sprintf("%s does not set --anonymous-auth, which defaults to true; add --anonymous-auth=false", [pods.label(c)])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in apiserver.containers
	value := apiserver.value(c, "anonymous-auth")
	not value in apiserver.false_values
	field := apiserver.field(c, "anonymous-auth")
	msg := sprintf("%s sets --anonymous-auth to %q; set --anonymous-auth=false", [pods.label(c), value])
}
