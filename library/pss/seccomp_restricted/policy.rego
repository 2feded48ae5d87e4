# METADATA
# title: Seccomp is enforced
# description: >-
#   Pod Security Standards, Restricted, "Seccomp": a seccomp profile of type
#   RuntimeDefault or Localhost must be set on the pod, or on every container
#   that does not inherit one from the pod. Pods with spec.os.name: windows
#   are exempt.
# custom:
#   id: SS-PSS-105
#   severity: medium
#   requirements: [POD-02]
#   frameworks:
#     pss: restricted
#     cis-k8s: ["5.7.2"]
#     mcsb: [PV-2]
#     nsa-cisa: [Kubernetes Pod security]
#     mitre: [T1611]
#   kinds: [workloads]
#   remediation: Set spec.securityContext.seccompProfile.type to RuntimeDefault on the pod (or Localhost with a reviewed profile).
package shipshape.pss.seccomp_restricted

import rego.v1

import data.lib.pods
import data.lib.seccomp

violation contains {"msg": msg, "details": {"field": field}} if {
	not pods.is_windows
	some setting in seccomp.settings
	not setting.type in seccomp.valid_types
	field := setting.field
	msg := sprintf("%s sets %s to %v; use RuntimeDefault or Localhost", [setting.owner, setting.name, setting.type])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	not pods.is_windows
	not seccomp.pod_profile_valid
	some c in seccomp.containers_without_profile
	field := pods.container_field(c, ["securityContext"])
	msg := sprintf("%s has no seccomp profile; set securityContext.seccompProfile.type to RuntimeDefault on the pod or the container", [pods.label(c)])
}
