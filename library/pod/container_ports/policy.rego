# METADATA
# title: Containers declare no SSH port, and non-root containers no privileged port
# description: >-
#   An SSH server in a container (port 22 or 2222) is a way in that
#   bypasses the API server's authentication, RBAC and audit. A container
#   that runs as non-root (runAsNonRoot, or a non-zero runAsUser, on the
#   container or the pod) and declares a port below 1024 either needs a
#   capability to bind it or listens on a port the node treats as trusted;
#   it should listen at 1024 or above and let the Service map the port.
# custom:
#   id: SS-POD-015
#   severity: low
#   requirements: [POD-16]
#   frameworks:
#     mitre: ["T1021"]
#   kinds: [workloads]
#   remediation: Remove the SSH server (use kubectl exec or debug containers with RBAC and audit), and listen on a port at or above 1024, mapping the public port in the Service.
package shipshape.pod.container_ports

import rego.v1

import data.lib.pods

ssh_ports := {22, 2222}

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["ports", i, "containerPort"])}} if {
	some c in pods.containers
	some i, port in c.value.ports
	port.containerPort in ssh_ports
	msg := sprintf("%s declares SSH port %v; remove the SSH server and use kubectl exec", [pods.label(c), port.containerPort])
}

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["ports", i, "containerPort"])}} if {
	some c in pods.containers
	non_root(c)
	some i, port in c.value.ports
	port.containerPort < 1024
	not port.containerPort in ssh_ports
	msg := sprintf("%s runs as non-root and declares privileged port %v; listen on a port at or above 1024 and map it in the Service", [pods.label(c), port.containerPort])
}

# non_root is true for a container that runs as a non-root user: a
# non-zero runAsUser, else runAsNonRoot; the container's setting wins over
# the pod's.
non_root(c) if run_as_user(c) > 0

non_root(c) if {
	not run_as_user(c)
	run_as_non_root(c) == true
}

run_as_user(c) := u if {
	u := pods.container_security_context(c).runAsUser
	is_number(u)
} else := u if {
	u := pods.security_context.runAsUser
	is_number(u)
}

run_as_non_root(c) := v if {
	v := pods.container_security_context(c).runAsNonRoot
	is_boolean(v)
} else := pods.security_context.runAsNonRoot
