# METADATA
# title: User workloads do not tolerate system or control-plane taints
# description: >-
#   AKS taints system node pools CriticalAddonsOnly, and control-plane nodes
#   carry node-role.kubernetes.io/control-plane (or master). A user workload
#   that tolerates them can be scheduled next to cluster components; a
#   toleration with operator Exists and no key tolerates every taint. The
#   control plane's static pods and DaemonSets (node agents, which must
#   reach every node) are not user workloads here; at admission, system
#   namespaces are exempt through settings.systemNamespaces.
# custom:
#   id: SS-POD-009
#   severity: high
#   requirements: [POD-13]
#   frameworks:
#     mcsb: [PV-2]
#     nsa-cisa: [Kubernetes Pod security]
#     mitre: [T1610]
#   kinds: [workloads]
#   remediation: Remove the toleration so the workload runs on user node pools.
package shipshape.pod.system_tolerations

import rego.v1

import data.lib.k8s
import data.lib.pods

system_taints := {"CriticalAddonsOnly", "node-role.kubernetes.io/control-plane", "node-role.kubernetes.io/master"}

violation contains {"msg": msg, "details": {"field": pods.spec_field(["tolerations", i])}} if {
	not pods.control_plane_static_pod
	not pods.node_agent
	some i, toleration in pods.spec.tolerations
	reason := tolerates(toleration)
	msg := sprintf("%s %s (%s); remove the toleration so it runs on user nodes", [k8s.label, reason, k8s.path_string(pods.spec_field(["tolerations", i]))])
}

tolerates(t) := sprintf("tolerates the system taint %s", [t.key]) if t.key in system_taints

tolerates(t) := "tolerates every taint, system and control-plane nodes included (operator Exists without a key)" if {
	k8s.get(t, "key", "") == ""
	t.operator == "Exists"
}
