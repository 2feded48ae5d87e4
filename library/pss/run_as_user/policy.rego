# METADATA
# title: Containers do not run as UID 0
# description: >-
#   Pod Security Standards, Restricted, "Running as Non-root user": runAsUser
#   must not be 0 on the pod or on any container. Pods in a user namespace
#   (spec.hostUsers: false) are exempt.
# custom:
#   id: SS-PSS-104
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
#   remediation: Set runAsUser to a non-zero UID (for example 10001), or remove it and let the image's non-root USER apply.
package shipshape.pss.run_as_user

import rego.v1

import data.lib.k8s
import data.lib.pods

violation contains {"msg": msg, "details": {"field": field}} if {
	not pods.in_user_namespace
	pods.security_context.runAsUser == 0
	field := pods.spec_field(["securityContext", "runAsUser"])
	msg := sprintf("%s sets %s to 0 (root); use a non-zero UID", [k8s.label, k8s.path_string(field)])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	not pods.in_user_namespace
	some c in pods.containers
	pods.container_security_context(c).runAsUser == 0
	field := pods.container_field(c, ["securityContext", "runAsUser"])
	msg := sprintf("%s sets securityContext.runAsUser to 0 (root); use a non-zero UID", [pods.label(c)])
}
