# METADATA
# title: Privilege escalation is disallowed
# description: >-
#   Pod Security Standards, Restricted, "Privilege Escalation": every
#   container must set securityContext.allowPrivilegeEscalation to false, so
#   setuid binaries and file capabilities cannot raise its privileges. Pods
#   with spec.os.name: windows are exempt.
# custom:
#   id: SS-PSS-102
#   severity: high
#   requirements: [POD-02, POD-08]
#   frameworks:
#     pss: restricted
#     cis-k8s: ["5.2.6"]
#     cis-aks: ["4.2.5"]
#     mcsb: [PV-2]
#     nsa-cisa: [Kubernetes Pod security]
#     mitre: [T1068]
#   kinds: [workloads]
#   remediation: Set securityContext.allowPrivilegeEscalation to false in every container.
package shipshape.pss.privilege_escalation

import rego.v1

import data.lib.pods

violation contains {"msg": msg, "details": {"field": field}} if {
	not pods.is_windows
	some c in pods.containers
	not pods.container_security_context(c).allowPrivilegeEscalation == false
	field := pods.container_field(c, ["securityContext", "allowPrivilegeEscalation"])
	msg := sprintf("%s does not set securityContext.allowPrivilegeEscalation to false; set it to false", [pods.label(c)])
}
