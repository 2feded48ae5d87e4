# METADATA
# title: hostPath volumes are limited to approved read-only paths
# description: >-
#   Where some hostPath access is unavoidable (log collectors, node agents),
#   only approved directories may be mounted, and read-only unless the entry
#   says otherwise. allowedHostPaths lists {pathPrefix, readOnly}; a prefix
#   matches whole path segments (/var/log allows /var/log/pods but not
#   /var/logs), and paths with ".." or that are not absolute are refused.
#   With no entries, every hostPath volume is reported.
# custom:
#   id: SS-POD-003
#   severity: high
#   requirements: [POD-06]
#   frameworks:
#     cis-k8s: ["5.2.12"]
#     mcsb: [PV-2]
#     nsa-cisa: [Kubernetes Pod security]
#     mitre: [T1611]
#   kinds: [workloads]
#   remediation: Use another volume type, or mount an approved path read-only (volumeMounts[].readOnly true).
#   parameters:
#     type: object
#     properties:
#       allowedHostPaths:
#         type: array
#         default: []
#         items:
#           type: object
#           required: [pathPrefix]
#           properties:
#             pathPrefix: {type: string}
#             readOnly: {type: boolean, default: true}
package shipshape.pod.host_path_allowlist

import rego.v1

import data.lib.k8s
import data.lib.pods

segments(path) := [s | some s in split(path, "/"); not s in {"", "."}]

host_path_volumes contains [i, volume.name, path] if {
	some i, volume in pods.spec.volumes
	k8s.get(volume, "hostPath", null) != null
	path := k8s.get(volume.hostPath, "path", "")
}

# The field is the volume's hostPath, as for SS-PSS-005 and SS-PSS-101, so a
# report shows one hostPath volume as one problem with its three controls.
violation contains {"msg": msg, "details": {"field": pods.spec_field(["volumes", i, "hostPath"])}} if {
	some [i, name, path] in host_path_volumes
	problem := path_problem(path)
	problem != ""
	msg := sprintf("%s mounts hostPath volume %q at %v, which %s; use another volume type or an approved path", [k8s.label, name, path, problem])
}

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["volumeMounts", j, "readOnly"])}} if {
	some [_, name, path] in host_path_volumes
	path_problem(path) == ""
	some entry in matching_entries(path)
	object.get(entry, "readOnly", true) == true
	some c in pods.containers
	some j, mount in k8s.get(c.value, "volumeMounts", [])
	mount.name == name
	not mount.readOnly == true
	msg := sprintf("%s mounts hostPath volume %q (%s) writable; approved host paths are read-only, set volumeMounts[%d].readOnly to true", [pods.label(c), name, path, j])
}

path_problem(path) := "is not an absolute path" if {
	not startswith(path, "/")
} else := "contains \"..\"" if {
	".." in segments(path)
} else := "is not under any approved path (allowedHostPaths)" if {
	count(matching_entries(path)) == 0
} else := ""

matching_entries(path) := [entry |
	some entry in input.parameters.allowedHostPaths
	prefix := segments(entry.pathPrefix)
	count(prefix) <= count(segments(path))
	array.slice(segments(path), 0, count(prefix)) == prefix
]
