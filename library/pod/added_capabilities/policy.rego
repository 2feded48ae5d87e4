# METADATA
# title: Containers add no capabilities and drop ALL
# description: >-
#   Every container drops ALL Linux capabilities and adds back none but
#   those in allowedCapabilities. Names are compared as runtimes accept
#   them: case-insensitively and with or without the CAP_ prefix, so
#   "cap_sys_admin" is SYS_ADMIN and "all" is ALL.
# custom:
#   id: SS-POD-004
#   severity: medium
#   requirements: [POD-07]
#   frameworks:
#     cis-k8s: ["5.2.9", "5.2.10"]
#     cis-aks: ["4.2.8", "4.2.9"]
#     mcsb: [PV-2]
#     nsa-cisa: [Kubernetes Pod security]
#     mitre: [T1611]
#   kinds: [workloads]
#   remediation: Set securityContext.capabilities.drop to ["ALL"] and remove capabilities.add (or list a required capability in allowedCapabilities).
#   parameters:
#     type: object
#     properties:
#       allowedCapabilities: {type: array, items: {type: string}, default: []}
package shipshape.pod.added_capabilities

import rego.v1

import data.lib.capabilities
import data.lib.pods

allowed := {capabilities.normalize(c) | some c in input.parameters.allowedCapabilities}

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["securityContext", "capabilities", "add", i])}} if {
	some c in pods.containers
	some i, name in pods.container_security_context(c).capabilities.add
	not capabilities.normalize(name) in allowed
	msg := sprintf("%s adds capability %v; remove it from securityContext.capabilities.add", [pods.label(c), name])
}

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["securityContext", "capabilities", "drop"])}} if {
	some c in pods.containers
	not drops_all(c)
	msg := sprintf("%s does not drop ALL capabilities; set securityContext.capabilities.drop to [\"ALL\"]", [pods.label(c)])
}

drops_all(c) if {
	some name in pods.container_security_context(c).capabilities.drop
	capabilities.normalize(name) == "ALL"
}
