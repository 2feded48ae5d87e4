# METADATA
# title: Privileged containers are forbidden
# description: >-
#   Pod Security Standards, Baseline, "Privileged Containers": a privileged
#   container disables most isolation and has full access to the node's
#   devices. securityContext.privileged must be unset or false in every
#   container, init container and ephemeral container.
# custom:
#   id: SS-PSS-003
#   severity: critical
#   requirements: [POD-01, POD-02, POD-08]
#   frameworks:
#     pss: baseline
#     cis-k8s: ["5.2.2"]
#     cis-aks: ["4.2.1"]
#     mcsb: [PV-2]
#     nsa-cisa: [Kubernetes Pod security]
#     mitre: [T1611]
#   kinds: [workloads]
#   remediation: Remove securityContext.privileged (or set it to false) and grant only the specific capabilities the container needs.
package shipshape.pss.privileged

import rego.v1

import data.lib.pods

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in pods.containers
	pods.container_security_context(c).privileged == true
	field := pods.container_field(c, ["securityContext", "privileged"])
	msg := sprintf("%s sets securityContext.privileged to true; remove it or set it to false", [pods.label(c)])
}
