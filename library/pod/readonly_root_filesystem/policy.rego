# METADATA
# title: Containers have a read-only root filesystem
# description: >-
#   A writable root filesystem lets an attacker drop tools and persist
#   changes inside the container. Every container, init container and
#   ephemeral container must set securityContext.readOnlyRootFilesystem to
#   true and write only to mounted volumes.
# custom:
#   id: SS-POD-002
#   severity: medium
#   requirements: [POD-05]
#   frameworks:
#     cis-k8s: ["5.7.3"]
#     mcsb: [PV-2]
#     nsa-cisa: [Immutable container file systems]
#     mitre: [T1610]
#   kinds: [workloads]
#   remediation: Set securityContext.readOnlyRootFilesystem to true and mount an emptyDir where the application writes (for example /tmp).
package shipshape.pod.readonly_root_filesystem

import rego.v1

import data.lib.pods

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["securityContext", "readOnlyRootFilesystem"])}} if {
	some c in pods.containers
	not pods.container_security_context(c).readOnlyRootFilesystem == true
	msg := sprintf("%s has a writable root filesystem; set securityContext.readOnlyRootFilesystem to true and mount an emptyDir where it writes", [pods.label(c)])
}
