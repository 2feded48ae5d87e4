# METADATA
# title: The API server accepts no static credential files
# description: >-
#   --token-auth-file and --basic-auth-file hold long-lived bearer tokens and
#   passwords in a file on the control-plane node: they cannot be revoked
#   without restarting the API server and are never rotated. Authenticate
#   with client certificates, OIDC or webhook token review instead.
# custom:
#   id: SS-CP-002
#   severity: high
#   requirements: [IAM-03]
#   frameworks:
#     cis-k8s: ["1.2.2"]
#     mcsb: [IM-1, PA-1]
#   kinds: [Pod]
#   admission: false
#   remediation: Remove --token-auth-file and --basic-auth-file from the kube-apiserver command and move users to OIDC or certificates.
package shipshape.cp.static_credentials

import rego.v1

import data.lib.apiserver
import data.lib.pods

# applies: only the kube-apiserver Pod is this control's to judge.
applies if count(apiserver.containers) > 0

static_flags := ["token-auth-file", "basic-auth-file"]

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in apiserver.containers
	some flag in static_flags
	apiserver.has(c, flag)
	field := apiserver.field(c, flag)
	msg := sprintf("%s sets --%s, a static credential file; remove it and authenticate with OIDC or client certificates", [pods.label(c), flag])
}
