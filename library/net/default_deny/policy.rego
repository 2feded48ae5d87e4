# METADATA
# title: Workloads run in namespaces that deny traffic by default
# description: >-
#   Every namespace that runs workloads needs policies that select all pods
#   and govern Ingress and Egress without letting all traffic through, so
#   pods get only the traffic rules allow. A Kubernetes NetworkPolicy
#   (podSelector: {}), a Cilium policy or a Calico policy that puts every
#   pod of the namespace into default deny counts. Judged per workload
#   against the policies in the inventory, as Gatekeeper would with them
#   synced; one finding per missing direction, stated once per namespace.
# custom:
#   id: SS-NET-001
#   severity: high
#   requirements: [NET-03, NET-05]
#   frameworks:
#     cis-k8s: ["5.3.2"]
#     cis-aks: ["4.4.2"]
#     mcsb: [NS-1]
#     nsa-cisa: [Network separation and hardening]
#     mitre: [T1210]
#   kinds: [workloads]
#   sync:
#     - networking.k8s.io/v1/NetworkPolicy
#     - cilium.io/v2/CiliumNetworkPolicy
#     - cilium.io/v2/CiliumClusterwideNetworkPolicy
#     - projectcalico.org/v3/NetworkPolicy
#     - projectcalico.org/v3/GlobalNetworkPolicy
#     - crd.projectcalico.org/v1/NetworkPolicy
#     - crd.projectcalico.org/v1/GlobalNetworkPolicy
#   remediation: "Add a NetworkPolicy to the namespace with podSelector: {} and policyTypes: [Ingress, Egress], then allow required traffic (DNS included) with explicit rules."
package shipshape.net.default_deny

import rego.v1

import data.lib.inventory
import data.lib.k8s
import data.lib.netpol
import data.lib.pods

# The missing policy is a fact about the namespace: details.namespace_fact
# lets an offline report state it once per namespace and direction, naming
# the workloads it affects, while admission still judges each workload.
violation contains {"msg": msg, "details": {"field": ["metadata", "namespace"], "namespace_fact": fact}} if {
	pods.is_workload
	some direction in ["Ingress", "Egress"]
	not covered(direction)
	msg := sprintf("%s runs in namespace %q, which has no NetworkPolicy that selects all pods and restricts %s by default; add one with podSelector: {} and policyTypes: [%s]", [k8s.label, k8s.namespace, lower(direction), direction])
	fact := {
		"key": direction,
		"namespace": k8s.namespace,
		"msg": sprintf("namespace %q has no NetworkPolicy that selects all pods and restricts %s by default; add one with podSelector: {} and policyTypes: [%s]", [k8s.namespace, lower(direction), direction]),
	}
}

covered(direction) if {
	some np in inventory.namespaced(k8s.namespace, "networking.k8s.io", "NetworkPolicy")
	netpol.default_denies(np, direction)
}

covered(direction) if {
	some policy in array.concat(
		inventory.namespaced(k8s.namespace, "cilium.io", "CiliumNetworkPolicy"),
		inventory.cluster("cilium.io", "CiliumClusterwideNetworkPolicy"),
	)
	netpol.cilium_default_denies(policy, k8s.namespace, direction)
}

covered(direction) if {
	some group in ["projectcalico.org", "crd.projectcalico.org"]
	some policy in array.concat(
		inventory.namespaced(k8s.namespace, group, "NetworkPolicy"),
		inventory.cluster(group, "GlobalNetworkPolicy"),
	)
	netpol.calico_default_denies(policy, k8s.namespace, direction)
}
