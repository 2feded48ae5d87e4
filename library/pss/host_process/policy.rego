# METADATA
# title: Windows HostProcess containers are forbidden
# description: >-
#   Pod Security Standards, Baseline, "HostProcess": Windows HostProcess
#   containers run directly on the node with host access. Checks the pod and
#   every container's securityContext.windowsOptions.hostProcess.
# custom:
#   id: SS-PSS-001
#   severity: critical
#   requirements: [POD-01, POD-02, POD-08]
#   frameworks:
#     pss: baseline
#     cis-k8s: ["5.2.11"]
#     mcsb: [PV-2]
#     nsa-cisa: [Kubernetes Pod security]
#     mitre: [T1611]
#   kinds: [workloads]
#   remediation: Remove securityContext.windowsOptions.hostProcess (or set it to false) on the pod and every container.
package shipshape.pss.host_process

import rego.v1

import data.lib.k8s
import data.lib.pods

violation contains {"msg": msg, "details": {"field": field}} if {
	pods.security_context.windowsOptions.hostProcess == true
	field := pods.spec_field(["securityContext", "windowsOptions", "hostProcess"])
	msg := sprintf("%s sets %s to true; remove it or set it to false", [k8s.label, k8s.path_string(field)])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in pods.containers
	pods.container_security_context(c).windowsOptions.hostProcess == true
	field := pods.container_field(c, ["securityContext", "windowsOptions", "hostProcess"])
	msg := sprintf("%s sets securityContext.windowsOptions.hostProcess to true; remove it or set it to false", [pods.label(c)])
}
