# METADATA
# title: Meshed namespaces are covered by strict mutual TLS
# description: >-
#   A namespace enrolled in the Istio mesh (label istio-injection: enabled
#   or istio.io/rev) must be covered by a STRICT PeerAuthentication: one in
#   the namespace without a selector, or a mesh-wide one in the mesh root
#   namespace. Otherwise Istio's default, PERMISSIVE, applies. A
#   namespace-wide policy that sets another mode overrides the mesh-wide one.
# custom:
#   id: SS-NET-007
#   severity: high
#   requirements: [NET-10]
#   frameworks:
#     mcsb: [DP-3, NS-1]
#     mitre: [T1040]
#   kinds: [Namespace]
#   sync: [security.istio.io/v1/PeerAuthentication]
#   remediation: "Add a PeerAuthentication named default with spec.mtls.mode: STRICT to the namespace or to the mesh root namespace."
#   parameters:
#     type: object
#     properties:
#       meshRootNamespace: {type: string, default: istio-system}
package shipshape.net.mesh_mtls_coverage

import rego.v1

import data.lib.inventory
import data.lib.k8s

meshed if k8s.labels["istio-injection"] == "enabled"

meshed if k8s.get(k8s.labels, "istio.io/rev", "") != ""

# namespace_modes are the modes the namespace's own namespace-wide
# PeerAuthentications set; one without a mode, or UNSET, inherits the
# mesh-wide policy.
namespace_modes contains mode if {
	some pa in inventory.namespaced(k8s.name, "security.istio.io", "PeerAuthentication")
	count(k8s.get(pa.spec, "selector", {})) == 0
	mode := upper(k8s.get(k8s.get(pa.spec, "mtls", {}), "mode", "UNSET"))
	mode != "UNSET"
}

mesh_strict if {
	some pa in inventory.namespaced(input.parameters.meshRootNamespace, "security.istio.io", "PeerAuthentication")
	count(k8s.get(pa.spec, "selector", {})) == 0
	upper(k8s.get(k8s.get(pa.spec, "mtls", {}), "mode", "")) == "STRICT"
}

violation contains {"msg": msg, "details": {"field": ["metadata", "labels"]}} if {
	meshed
	count(namespace_modes) == 0
	not mesh_strict
	msg := sprintf("%s is in the Istio mesh but no STRICT PeerAuthentication covers it, so PERMISSIVE applies; add one to the namespace or to %q", [k8s.label, input.parameters.meshRootNamespace])
}

violation contains {"msg": msg, "details": {"field": ["metadata", "labels"]}} if {
	meshed
	count(namespace_modes) > 0
	namespace_modes != {"STRICT"}
	msg := sprintf("%s is in the Istio mesh but its namespace-wide PeerAuthentication sets %s, which overrides any mesh-wide policy; set it to STRICT", [k8s.label, concat(" and ", sort(namespace_modes))])
}
