# METADATA
# title: The API server hides profiling, checks service-account tokens and verifies kubelets
# description: >-
#   --profiling (on by default) serves pprof data about the server to anyone
#   allowed to GET /debug/pprof. --service-account-lookup=false accepts
#   tokens of deleted service accounts; without --service-account-key-file
#   tokens are verified only against the serving key. Without a client
#   certificate (--kubelet-client-certificate, --kubelet-client-key) and
#   --kubelet-certificate-authority, exec, logs and port-forward reach
#   kubelets unauthenticated and unverified.
# custom:
#   id: SS-CP-009
#   severity: high
#   requirements: [NODE-07]
#   frameworks:
#     cis-k8s: ["1.2.4", "1.2.5", "1.2.15", "1.2.22", "1.2.23"]
#     mcsb: [IM-1]
#   kinds: [Pod]
#   admission: false
#   remediation: Set --profiling=false, keep --service-account-lookup true, set --service-account-key-file, --kubelet-client-certificate, --kubelet-client-key and --kubelet-certificate-authority.
package shipshape.cp.apiserver_surfaces

import rego.v1

import data.lib.apiserver
import data.lib.pods

# applies: only the kube-apiserver Pod is this control's to judge.
applies if count(apiserver.containers) > 0

violation contains {"msg": msg, "details": {"field": apiserver.flag_field(c, "profiling")}} if {
	some c in apiserver.containers
	not apiserver.is_false(c, "profiling")
	msg := sprintf("%s serves profiling data (--profiling is %s); set --profiling=false", [pods.label(c), shown(c, "profiling", "unset, so true")])
}

violation contains {"msg": msg, "details": {"field": apiserver.field(c, "service-account-lookup")}} if {
	some c in apiserver.containers
	apiserver.is_false(c, "service-account-lookup")
	msg := sprintf("%s sets --service-account-lookup=%s, so tokens of deleted service accounts keep working; remove the flag or set it to true", [pods.label(c), apiserver.value(c, "service-account-lookup")])
}

# required are the file flags the API server needs, with what each is for.
required := {
	"service-account-key-file": "the public key that verifies service-account tokens",
	"kubelet-client-certificate": "the client certificate it authenticates to kubelets with",
	"kubelet-client-key": "the key of that client certificate",
	"kubelet-certificate-authority": "the CA that verifies kubelets' serving certificates",
}

violation contains {"msg": msg, "details": {"field": apiserver.flag_field(c, flag)}} if {
	some c in apiserver.containers
	some flag, purpose in required
	not apiserver.has(c, flag)
	msg := sprintf("%s does not set --%s, %s; set it", [pods.label(c), flag, purpose])
}

shown(c, name, fallback) := v if {
	v := apiserver.value(c, name)
} else := fallback
