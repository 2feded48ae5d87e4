# METADATA
# title: HostPath volumes are forbidden
# description: >-
#   Pod Security Standards, Baseline, "HostPath Volumes": a hostPath volume
#   mounts a directory of the node into the pod, exposing host files and
#   sockets. No volume may set spec.volumes[*].hostPath.
# custom:
#   id: SS-PSS-005
#   severity: high
#   requirements: [POD-01, POD-06]
#   frameworks:
#     pss: baseline
#     cis-k8s: ["5.2.12"]
#     mcsb: [PV-2]
#     nsa-cisa: [Kubernetes Pod security]
#     mitre: [T1611]
#   kinds: [workloads]
#   remediation: Replace the hostPath volume with emptyDir, a ConfigMap, a Secret, a projected volume or a PersistentVolumeClaim.
package shipshape.pss.host_path_volumes

import rego.v1

import data.lib.k8s
import data.lib.pods

violation contains {"msg": msg, "details": {"field": field}} if {
	some i, volume in pods.spec.volumes
	k8s.get(volume, "hostPath", null) != null
	field := pods.spec_field(["volumes", i, "hostPath"])
	msg := sprintf("%s mounts hostPath volume %q (%v); use emptyDir, a ConfigMap, a Secret or a PersistentVolumeClaim instead", [k8s.label, k8s.get(volume, "name", ""), k8s.get(volume.hostPath, "path", "")])
}
