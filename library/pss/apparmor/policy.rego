# METADATA
# title: AppArmor is not disabled or overridden
# description: >-
#   Pod Security Standards, Baseline, "AppArmor": the default AppArmor profile
#   may not be disabled or replaced by an unconfined one. appArmorProfile.type
#   on the pod or any container must be RuntimeDefault or Localhost, and the
#   legacy container.apparmor.security.beta.kubernetes.io/* annotations must
#   be empty, runtime/default or localhost/*.
# custom:
#   id: SS-PSS-008
#   severity: high
#   requirements: [POD-01, POD-02]
#   frameworks:
#     pss: baseline
#     cis-k8s: ["5.7.3"]
#     mcsb: [PV-2]
#     nsa-cisa: [Kubernetes Pod security]
#     mitre: [T1611]
#   kinds: [workloads]
#   remediation: Set appArmorProfile.type to RuntimeDefault (or Localhost with a reviewed profile), or remove it.
package shipshape.pss.apparmor

import rego.v1

import data.lib.k8s
import data.lib.pods

allowed_types := {"RuntimeDefault", "Localhost"}

annotation_prefix := "container.apparmor.security.beta.kubernetes.io/"

violation contains {"msg": msg, "details": {"field": field}} if {
	profile := pods.security_context.appArmorProfile
	profile != null
	not k8s.get(profile, "type", "") in allowed_types
	field := pods.spec_field(["securityContext", "appArmorProfile", "type"])
	msg := sprintf("%s sets %s to %q; use RuntimeDefault or Localhost", [k8s.label, k8s.path_string(field), k8s.get(profile, "type", "")])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in pods.containers
	profile := pods.container_security_context(c).appArmorProfile
	profile != null
	not k8s.get(profile, "type", "") in allowed_types
	field := pods.container_field(c, ["securityContext", "appArmorProfile", "type"])
	msg := sprintf("%s sets securityContext.appArmorProfile.type to %q; use RuntimeDefault or Localhost", [pods.label(c), k8s.get(profile, "type", "")])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some key, value in pods.annotations
	startswith(key, annotation_prefix)
	not allowed_annotation(value)
	field := pods.metadata_field(["annotations", key])
	msg := sprintf("%s sets annotation %s to %v; use runtime/default or localhost/<profile>", [k8s.label, key, value])
}

allowed_annotation(value) if value in {"", "runtime/default"}

allowed_annotation(value) if startswith(value, "localhost/")
