# METADATA
# title: Only default capabilities may be added
# description: >-
#   Pod Security Standards, Baseline, "Capabilities": adding a Linux
#   capability beyond the container runtime's default set (AUDIT_WRITE, CHOWN,
#   DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP,
#   SETGID, SETPCAP, SETUID, SYS_CHROOT) is forbidden. As upstream, names are
#   compared exactly, so a lowercase or CAP_-prefixed name is not a default
#   capability and is flagged.
# custom:
#   id: SS-PSS-004
#   severity: high
#   requirements: [POD-01, POD-07]
#   frameworks:
#     pss: baseline
#     cis-k8s: ["5.2.8", "5.2.9"]
#     cis-aks: ["4.2.7", "4.2.8"]
#     mcsb: [PV-2]
#     nsa-cisa: [Kubernetes Pod security]
#     mitre: [T1611]
#   kinds: [workloads]
#   remediation: Remove the capability from securityContext.capabilities.add; keep only capabilities from the default set.
package shipshape.pss.capabilities_baseline

import rego.v1

import data.lib.pods

default_capabilities := {
	"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
	"NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in pods.containers
	some i, capability in pods.container_security_context(c).capabilities.add
	not capability in default_capabilities
	field := pods.container_field(c, ["securityContext", "capabilities", "add", i])
	msg := sprintf("%s adds capability %v, which is not in the default set; remove it from securityContext.capabilities.add", [pods.label(c), capability])
}
