# METADATA
# title: SELinux options are restricted
# description: >-
#   Pod Security Standards, Baseline, "SELinux": seLinuxOptions on the pod or
#   any container may set type only to container_t, container_init_t,
#   container_kvm_t or container_engine_t (or leave it empty), and may not set
#   user or role.
# custom:
#   id: SS-PSS-009
#   severity: high
#   requirements: [POD-01, POD-02]
#   frameworks:
#     pss: baseline
#     cis-k8s: ["5.7.3"]
#     mcsb: [PV-2]
#     nsa-cisa: [Kubernetes Pod security]
#     mitre: [T1611]
#   kinds: [workloads]
#   remediation: Remove seLinuxOptions.user and seLinuxOptions.role, and set seLinuxOptions.type to container_t (or remove it).
package shipshape.pss.selinux

import rego.v1

import data.lib.k8s
import data.lib.pods

allowed_types := {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}

# option_problems maps each offending field of one seLinuxOptions object to
# what is wrong with it and how to fix it.
option_problems(options) := {field: problem |
	some field in ["type", "user", "role"]
	problem := option_problem(field, k8s.get(options, field, ""))
}

option_problem("type", value) := sprintf("to %v; use container_t, container_init_t, container_kvm_t or container_engine_t, or remove it", [value]) if {
	not value in allowed_types
}

option_problem("user", value) := sprintf("to %v; custom SELinux users are forbidden, remove it", [value]) if value != ""

option_problem("role", value) := sprintf("to %v; custom SELinux roles are forbidden, remove it", [value]) if value != ""

violation contains {"msg": msg, "details": {"field": field}} if {
	options := pods.security_context.seLinuxOptions
	options != null
	some name, problem in option_problems(options)
	field := pods.spec_field(["securityContext", "seLinuxOptions", name])
	msg := sprintf("%s sets %s %s", [k8s.label, k8s.path_string(field), problem])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in pods.containers
	options := pods.container_security_context(c).seLinuxOptions
	options != null
	some name, problem in option_problems(options)
	field := pods.container_field(c, ["securityContext", "seLinuxOptions", name])
	msg := sprintf("%s sets securityContext.seLinuxOptions.%s %s", [pods.label(c), name, problem])
}
