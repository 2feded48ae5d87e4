# METADATA
# title: Containers do not add dangerous capabilities
# description: >-
#   Capabilities such as SYS_ADMIN, SYS_MODULE, SYS_PTRACE, NET_ADMIN,
#   NET_RAW, DAC_READ_SEARCH and BPF let a container take over the node or
#   its neighbours. Names are compared case-insensitively, with or without
#   the CAP_ prefix; adding ALL adds them all.
# custom:
#   id: SS-POD-005
#   severity: critical
#   requirements: [POD-07]
#   frameworks:
#     cis-k8s: ["5.2.8", "5.2.9"]
#     cis-aks: ["4.2.7", "4.2.8"]
#     mcsb: [PV-2]
#     nsa-cisa: [Kubernetes Pod security]
#     mitre: [T1611]
#   kinds: [workloads]
#   remediation: Remove the capability; if the workload truly needs it, run it on a dedicated, isolated node pool with a reviewed exception.
package shipshape.pod.dangerous_capabilities

import rego.v1

import data.lib.capabilities
import data.lib.pods

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["securityContext", "capabilities", "add", i])}} if {
	some c in pods.containers
	some i, name in pods.container_security_context(c).capabilities.add
	normalized := capabilities.normalize(name)
	normalized in capabilities.dangerous
	msg := sprintf("%s adds %v (%s), which gives control over the node or other workloads; remove it", [pods.label(c), name, normalized])
}
