# METADATA
# title: Probes and lifecycle hooks do not target other hosts
# description: >-
#   Pod Security Standards, Baseline, "Host Probes / Lifecycle Hooks": the
#   host field of httpGet and tcpSocket in liveness, readiness and startup
#   probes and in postStart/preStop hooks lets the kubelet reach arbitrary
#   addresses on the pod's behalf. It must be unset or empty.
# custom:
#   id: SS-PSS-007
#   severity: medium
#   requirements: [POD-01, POD-02]
#   frameworks:
#     pss: baseline
#     mcsb: [PV-2]
#   kinds: [workloads]
#   remediation: Remove the host field from the probe or lifecycle handler so the kubelet targets the pod's own IP.
package shipshape.pss.host_probes

import rego.v1

import data.lib.pods

handler_types := ["httpGet", "tcpSocket"]

# handler_paths are the container fields that hold a handler with a host.
handler_paths := [
	["livenessProbe"],
	["readinessProbe"],
	["startupProbe"],
	["lifecycle", "postStart"],
	["lifecycle", "preStop"],
]

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in pods.containers
	some parent in handler_paths

	# Direct references, so a container without probes or hooks costs one
	# lookup per field rather than a path walk per handler type.
	handler := object.get(c.value, parent, null)
	some kind in handler_types
	host := handler[kind].host
	not host in {"", null}
	rel := array.concat(parent, [kind])
	field := pods.container_field(c, array.concat(rel, ["host"]))
	msg := sprintf("%s sets %s.host to %v; remove the host so the kubelet targets the pod itself", [pods.label(c), concat(".", rel), host])
}
