# METADATA
# title: Only safe sysctls are set
# description: >-
#   Pod Security Standards, Baseline, "Sysctls": sysctls can disable security
#   mechanisms or affect every container on the node. spec.securityContext.sysctls
#   may only name the namespaced, isolated "safe" set of the newest Pod
#   Security Standards version.
# custom:
#   id: SS-PSS-012
#   severity: high
#   requirements: [POD-01, POD-02]
#   frameworks:
#     pss: baseline
#     mcsb: [PV-2]
#     nsa-cisa: [Kubernetes Pod security]
#   kinds: [workloads]
#   remediation: Remove the sysctl, or set it on the node through a reviewed node configuration.
package shipshape.pss.sysctls

import rego.v1

import data.lib.k8s
import data.lib.pods

safe_sysctls := {
	"kernel.shm_rmid_forced",
	"net.ipv4.ip_local_port_range",
	"net.ipv4.ip_local_reserved_ports",
	"net.ipv4.ip_unprivileged_port_start",
	"net.ipv4.ping_group_range",
	"net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_keepalive_intvl",
	"net.ipv4.tcp_keepalive_probes",
	"net.ipv4.tcp_keepalive_time",
	"net.ipv4.tcp_notsent_lowat",
	"net.ipv4.tcp_rmem",
	"net.ipv4.tcp_slow_start_after_idle",
	"net.ipv4.tcp_syncookies",
	"net.ipv4.tcp_wmem",
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some i, sysctl in pods.security_context.sysctls
	name := k8s.get(sysctl, "name", "")
	not name in safe_sysctls
	field := pods.spec_field(["securityContext", "sysctls", i, "name"])
	msg := sprintf("%s sets unsafe sysctl %v in %s; remove it", [k8s.label, name, k8s.path_string(array.slice(field, 0, count(field) - 1))])
}
