# METADATA
# title: Seccomp is not disabled
# description: >-
#   Pod Security Standards, Baseline, "Seccomp": when a seccomp profile is set
#   on the pod or a container, its type must be RuntimeDefault or Localhost;
#   Unconfined is forbidden.
# custom:
#   id: SS-PSS-011
#   severity: high
#   requirements: [POD-01]
#   frameworks:
#     pss: baseline
#     cis-k8s: ["5.7.2"]
#     mcsb: [PV-2]
#     nsa-cisa: [Kubernetes Pod security]
#     mitre: [T1611]
#   kinds: [workloads]
#   remediation: Set seccompProfile.type to RuntimeDefault (or Localhost with a reviewed profile).
package shipshape.pss.seccomp_baseline

import rego.v1

import data.lib.seccomp

violation contains {"msg": msg, "details": {"field": field}} if {
	some setting in seccomp.settings
	not setting.type in seccomp.valid_types
	field := setting.field
	msg := sprintf("%s sets %s to %v; use RuntimeDefault or Localhost", [setting.owner, setting.name, setting.type])
}
