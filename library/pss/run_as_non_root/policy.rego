# METADATA
# title: Containers must run as non-root
# description: >-
#   Pod Security Standards, Restricted, "Running as Non-root": runAsNonRoot
#   must be true on the pod (inherited by containers) or on every container,
#   and no container may set it to false. Pods in a user namespace
#   (spec.hostUsers: false) are exempt.
# custom:
#   id: SS-PSS-103
#   severity: high
#   requirements: [POD-02, POD-04]
#   frameworks:
#     pss: restricted
#     cis-k8s: ["5.2.7"]
#     cis-aks: ["4.2.6"]
#     mcsb: [PV-2]
#     nsa-cisa: [Non-root containers]
#     mitre: [T1068]
#   kinds: [workloads]
#   remediation: Set spec.securityContext.runAsNonRoot to true (and do not set it to false in any container).
package shipshape.pss.run_as_non_root

import rego.v1

import data.lib.k8s
import data.lib.pods

pod_value := pods.security_context.runAsNonRoot

violation contains {"msg": msg, "details": {"field": field}} if {
	not pods.in_user_namespace
	pod_value == false
	field := pods.spec_field(["securityContext", "runAsNonRoot"])
	msg := sprintf("%s sets %s to false; set it to true", [k8s.label, k8s.path_string(field)])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	not pods.in_user_namespace
	some c in pods.containers
	pods.container_security_context(c).runAsNonRoot == false
	field := pods.container_field(c, ["securityContext", "runAsNonRoot"])
	msg := sprintf("%s sets securityContext.runAsNonRoot to false; set it to true", [pods.label(c)])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	not pods.in_user_namespace
	not pod_value == true
	some c in pods.containers
	k8s.get(pods.container_security_context(c), "runAsNonRoot", null) == null
	field := pods.container_field(c, ["securityContext", "runAsNonRoot"])
	msg := sprintf("%s does not set runAsNonRoot and the pod does not either; set spec.securityContext.runAsNonRoot to true", [pods.label(c)])
}
