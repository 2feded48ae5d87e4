# METADATA
# title: The default /proc mount is kept, even in user namespaces
# description: >-
#   Pod Security Standards, Restricted, "/proc Mount Type": like the Baseline
#   check, but without the user-namespace relaxation: securityContext.procMount
#   must be unset or Default in every container.
# custom:
#   id: SS-PSS-107
#   severity: medium
#   requirements: [POD-02]
#   frameworks:
#     pss: restricted
#     mcsb: [PV-2]
#     mitre: [T1611]
#   kinds: [workloads]
#   remediation: Remove securityContext.procMount or set it to Default.
package shipshape.pss.proc_mount_restricted

import rego.v1

import data.lib.pods

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in pods.containers
	proc_mount := pods.container_security_context(c).procMount
	not proc_mount in {"Default", null}
	field := pods.container_field(c, ["securityContext", "procMount"])
	msg := sprintf("%s sets securityContext.procMount to %v; remove it or set it to Default", [pods.label(c), proc_mount])
}
