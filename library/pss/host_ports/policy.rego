# METADATA
# title: Host ports are forbidden
# description: >-
#   Pod Security Standards, Baseline, "Host Ports": a hostPort binds a port
#   on the node itself, bypassing network policy and exposing the container
#   on the node's address. ports[*].hostPort must be unset or 0 in every
#   container list.
# custom:
#   id: SS-PSS-006
#   severity: medium
#   requirements: [POD-01, POD-02, NET-06]
#   frameworks:
#     pss: baseline
#     cis-k8s: ["5.2.13"]
#     mcsb: [PV-2, NS-1]
#     nsa-cisa: [Kubernetes Pod security]
#   kinds: [workloads]
#   remediation: Remove ports[*].hostPort and expose the container through a Service instead.
package shipshape.pss.host_ports

import rego.v1

import data.lib.pods

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in pods.containers
	some i, port in c.value.ports
	host_port := port.hostPort
	host_port != null
	host_port != 0
	field := pods.container_field(c, ["ports", i, "hostPort"])
	msg := sprintf("%s uses hostPort %v; remove ports[%d].hostPort and expose the port through a Service", [pods.label(c), host_port, i])
}
