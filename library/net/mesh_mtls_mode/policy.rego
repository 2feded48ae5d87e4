# METADATA
# title: Service mesh mutual TLS is strict
# description: >-
#   An Istio PeerAuthentication in PERMISSIVE or DISABLE mode (for the
#   workload or any port) accepts plain-text traffic, so peers are neither
#   authenticated nor encrypted. A mesh-wide policy (in the mesh root
#   namespace) must also not leave the mode unset, which means PERMISSIVE.
# custom:
#   id: SS-NET-006
#   severity: high
#   requirements: [NET-10]
#   frameworks:
#     mcsb: [DP-3, NS-1]
#     mitre: [T1040]
#   kinds: [security.istio.io/PeerAuthentication]
#   remediation: "Set spec.mtls.mode (and every portLevelMtls mode) to STRICT."
#   parameters:
#     type: object
#     properties:
#       meshRootNamespace: {type: string, default: istio-system}
package shipshape.net.mesh_mtls_mode

import rego.v1

import data.lib.k8s

weak := {"PERMISSIVE", "DISABLE"}

violation contains {"msg": msg, "details": {"field": ["spec", "mtls", "mode"]}} if {
	mode := upper(k8s.get(k8s.get(k8s.resource.spec, "mtls", {}), "mode", "UNSET"))
	mode in weak
	msg := sprintf("%s sets mutual TLS to %s, which accepts plain text; set spec.mtls.mode to STRICT", [k8s.label, mode])
}

violation contains {"msg": msg, "details": {"field": ["spec", "portLevelMtls", port, "mode"]}} if {
	some port, setting in k8s.get(k8s.resource.spec, "portLevelMtls", {})
	mode := upper(k8s.get(setting, "mode", "UNSET"))
	mode in weak
	msg := sprintf("%s sets mutual TLS for port %v to %s; set it to STRICT", [k8s.label, port, mode])
}

violation contains {"msg": msg, "details": {"field": ["spec", "mtls"]}} if {
	k8s.namespace == input.parameters.meshRootNamespace
	count(k8s.get(k8s.get(k8s.resource, "spec", {}), "selector", {})) == 0
	upper(k8s.get(k8s.get(k8s.get(k8s.resource, "spec", {}), "mtls", {}), "mode", "UNSET")) == "UNSET"
	msg := sprintf("%s is the mesh-wide policy and leaves the mode unset, which means PERMISSIVE; set spec.mtls.mode to STRICT", [k8s.label])
}
