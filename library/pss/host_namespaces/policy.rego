# METADATA
# title: Host namespaces are not shared
# description: >-
#   Pod Security Standards, Baseline, "Host Namespaces": sharing the node's
#   network, PID or IPC namespace lets a pod see and reach host processes and
#   traffic. spec.hostNetwork, spec.hostPID and spec.hostIPC must be unset or
#   false.
# custom:
#   id: SS-PSS-002
#   severity: high
#   requirements: [POD-01, POD-02, POD-09, NET-06]
#   frameworks:
#     pss: baseline
#     cis-k8s: ["5.2.3", "5.2.4", "5.2.5"]
#     cis-aks: ["4.2.2", "4.2.3", "4.2.4"]
#     mcsb: [PV-2]
#     nsa-cisa: [Kubernetes Pod security]
#     mitre: [T1611]
#   kinds: [workloads]
#   remediation: Remove hostNetwork, hostPID and hostIPC from the pod spec (or set them to false).
package shipshape.pss.host_namespaces

import rego.v1

import data.lib.k8s
import data.lib.pods

host_namespace_fields := ["hostNetwork", "hostPID", "hostIPC"]

violation contains {"msg": msg, "details": {"field": field}} if {
	some name in host_namespace_fields
	pods.spec[name] == true
	field := pods.spec_field([name])
	msg := sprintf("%s sets %s to true, sharing the node's namespace; remove it or set it to false", [k8s.label, k8s.path_string(field)])
}
