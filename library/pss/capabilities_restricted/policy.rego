# METADATA
# title: Capabilities are dropped
# description: >-
#   Pod Security Standards, Restricted, "Capabilities": every container must
#   drop ALL capabilities and may add back only NET_BIND_SERVICE. As upstream,
#   names are compared exactly ("all" or "CAP_NET_BIND_SERVICE" do not
#   count). Pods with spec.os.name: windows are exempt.
# custom:
#   id: SS-PSS-106
#   severity: medium
#   requirements: [POD-02, POD-07]
#   frameworks:
#     pss: restricted
#     cis-k8s: ["5.2.9", "5.2.10"]
#     cis-aks: ["4.2.8", "4.2.9"]
#     mcsb: [PV-2]
#     nsa-cisa: [Kubernetes Pod security]
#     mitre: [T1611]
#   kinds: [workloads]
#   remediation: Set securityContext.capabilities.drop to ["ALL"] and add back nothing but NET_BIND_SERVICE.
package shipshape.pss.capabilities_restricted

import rego.v1

import data.lib.pods

violation contains {"msg": msg, "details": {"field": field}} if {
	not pods.is_windows
	some c in pods.containers
	not drops_all(c)
	field := pods.container_field(c, ["securityContext", "capabilities", "drop"])
	msg := sprintf("%s does not drop ALL capabilities; set securityContext.capabilities.drop to [\"ALL\"]", [pods.label(c)])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	not pods.is_windows
	some c in pods.containers
	some i, capability in pods.container_security_context(c).capabilities.add
	capability != "NET_BIND_SERVICE"
	field := pods.container_field(c, ["securityContext", "capabilities", "add", i])
	msg := sprintf("%s adds capability %v; only NET_BIND_SERVICE may be added, remove it", [pods.label(c), capability])
}

drops_all(c) if "ALL" in pods.container_security_context(c).capabilities.drop
