# METADATA
# title: Workloads run neither in default nor, unless they are system components, in system namespaces
# description: >-
#   The default namespace is where everything lands that names no other, so
#   its RBAC, quotas and network policies fit no workload; a user workload
#   in kube-system (or another system namespace) shares the service
#   accounts and exemptions of the cluster's own components. Workloads must
#   not name default, and those in systemNamespaces must be system
#   components: control-plane static pods, controllers with a
#   system-*-critical priority, add-ons by label, or systemWorkloads.
# custom:
#   id: SS-POD-016
#   severity: medium
#   requirements: [POD-19]
#   frameworks:
#     cis-k8s: ["5.7.4"]
#     nsa-cisa: [Network separation and hardening]
#   kinds: [workloads]
#   remediation: Move the workload to a namespace of its own application (metadata.namespace, helm -n, kustomize namespace), or, for an add-on, give it a system priority class or name it in systemWorkloads.
#   parameters:
#     type: object
#     additionalProperties: false
#     properties:
#       systemNamespaces:
#         description: Namespaces of the cluster's own components; workloads there must be system components.
#         type: array
#         items: {type: string}
#         default: [kube-system, gatekeeper-system, azure-arc, azure-extensions-usage-system]
#       systemWorkloads:
#         description: Names of workloads (exact, prefix* or *suffix) accepted as system components in systemNamespaces besides those with a system priority class or an add-on manager label.
#         type: array
#         items: {type: string}
#         default: []
package shipshape.pod.namespace_placement

import rego.v1

import data.lib.k8s
import data.lib.namespaces
import data.lib.pods

# applies: running workloads; a PodTemplate runs nothing by itself.
applies if k8s.resource.kind != "PodTemplate"

# The namespace the workload lands in: at admission the one the API server
# stores it in; offline the one written, or default for an object that
# names none, as kubectl applies it without -n (set metadata.namespace, or
# render with the namespace the release or overlay uses).
violation contains {"msg": msg, "details": {"field": ["metadata", "namespace"]}} if {
	applies
	k8s.namespace == "default"
	msg := sprintf("%s runs in the default namespace (written, or where kubectl puts an object that names none), whose RBAC, quotas and network policies are not designed for any workload; set metadata.namespace to its application's namespace", [k8s.label])
}

violation contains {"msg": msg, "details": {"field": ["metadata", "namespace"]}} if {
	applies
	ns := k8s.resource.metadata.namespace
	namespaces.matches_any(ns, input.parameters.systemNamespaces)
	not system_component
	msg := sprintf("%s runs in system namespace %q but is not a system component (not a control-plane static pod, no controller with a system-*-critical priority, no add-on manager label, not in systemWorkloads); move it to its own namespace", [k8s.label, ns])
}

system_component if pods.control_plane_static_pod

# A controller with a system priority class is an add-on; a bare Pod is not
# (only the control plane's static pods run bare in kube-system, and they
# carry all of its markers).
system_component if {
	k8s.resource.kind != "Pod"
	pods.spec.priorityClassName in {"system-node-critical", "system-cluster-critical"}
}

system_component if {
	some labels in [k8s.labels, pods.labels]
	some key in object.keys(labels)
	key in {"addonmanager.kubernetes.io/mode", "kubernetes.azure.com/managedby"}
}

system_component if namespaces.matches_any(k8s.name, input.parameters.systemWorkloads)
