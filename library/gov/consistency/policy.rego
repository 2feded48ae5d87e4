# METADATA
# title: Selectors and names between manifests resolve
# description: >-
#   A Service that selects no workload, an Ingress or Gateway API route
#   backend, autoscaler
#   target or disruption budget that names nothing, or a NetworkPolicy that
#   selects no pod fails only when it is applied: traffic goes nowhere and
#   a policy or budget protects nothing. Selectors and names are resolved
#   within the scanned set, in the object's namespace. What a pod needs is
#   SS-GOV-004's.
# custom:
#   id: SS-GOV-003
#   severity: low
#   requirements: [GOV-06]
#   frameworks:
#     mcsb: [PV-2]
#   kinds: [Service, networking.k8s.io/Ingress, networking.k8s.io/NetworkPolicy, autoscaling/HorizontalPodAutoscaler, policy/PodDisruptionBudget, gateway.networking.k8s.io/HTTPRoute, gateway.networking.k8s.io/GRPCRoute, gateway.networking.k8s.io/TCPRoute, gateway.networking.k8s.io/UDPRoute, gateway.networking.k8s.io/TLSRoute]
#   sync:
#     - apps/v1/Deployment
#     - apps/v1/StatefulSet
#     - apps/v1/DaemonSet
#     - apps/v1/ReplicaSet
#     - batch/v1/Job
#     - batch/v1/CronJob
#     - v1/Pod
#     - v1/ReplicationController
#     - v1/Service
#   admission: false
#   remediation: Add the missing object to the manifests, or fix the name or selector that points at it.
package shipshape.gov.consistency

import rego.v1

import data.lib.inventory
import data.lib.k8s
import data.lib.pods
import data.lib.selectors

ns := k8s.namespace

# named(group, kind) are the names of the scan's objects of a kind in the
# object's namespace.
named(group, kind) := {o.metadata.name | some o in inventory.namespaced(ns, group, kind)}

# named_of_kind are the names of the scan's objects of a kind in any group
# (an autoscaler's scaleTargetRef may leave its apiVersion out).
named_of_kind(kind) := {name |
	some _, kinds in data.inventory.namespace[ns]
	some name, _ in kinds[kind]
}

# workload_labels are the pod labels of every workload of the scan in the
# namespace (the object under review is in the scan's inventory too).
workload_labels contains labels if {
	some group, kinds in pods.template_paths
	some kind, path in kinds
	some o in inventory.namespaced(ns, group, kind)
	labels := object.get(o, array.concat(path, ["metadata", "labels"]), {})
}

selects_a_workload(selector) if {
	some labels in workload_labels
	selectors.matches(selector, labels)
}

# A Service's selector is a plain label map.
violation contains {"msg": msg, "details": {"field": ["spec", "selector"]}} if {
	k8s.has_kind("", "Service")
	selector := k8s.resource.spec.selector
	count(selector) > 0
	not selects_a_workload({"matchLabels": selector})
	msg := sprintf("%s selects %s, which no workload in namespace %q of the scan carries, so it routes to nothing; fix the selector or add the workload", [k8s.label, json.marshal(selector), ns])
}

violation contains {"msg": msg, "details": {"field": ["spec", "podSelector"]}} if {
	selector := k8s.resource.spec.podSelector
	not selectors.selects_all(selector)
	not selects_a_workload(selector)
	msg := sprintf("%s selects pods by %s, which no workload in namespace %q of the scan carries, so it protects nothing; fix spec.podSelector", [k8s.label, json.marshal(selector), ns])
}

violation contains {"msg": msg, "details": {"field": ["spec", "selector"]}} if {
	k8s.has_kind("policy", "PodDisruptionBudget")
	selector := k8s.resource.spec.selector
	not selects_a_workload(selector)
	msg := sprintf("%s selects pods by %s, which no workload in namespace %q of the scan carries, so it protects nothing during drains; fix spec.selector", [k8s.label, json.marshal(selector), ns])
}

# Ingress backends name Services.
backends contains [path, name] if {
	some i, rule in k8s.resource.spec.rules
	some j, p in rule.http.paths
	name := p.backend.service.name
	path := ["spec", "rules", i, "http", "paths", j, "backend", "service", "name"]
}

backends contains [["spec", "defaultBackend", "service", "name"], name] if {
	name := k8s.resource.spec.defaultBackend.service.name
}

# Gateway API routes name Services in their own namespace unless a backend
# names another (which a ReferenceGrant there must allow; not judged here).
# Only routes have backendRefs among the control's kinds.
backends contains [["spec", "rules", i, "backendRefs", j, "name"], ref.name] if {
	some i, rule in k8s.resource.spec.rules
	some j, ref in rule.backendRefs
	object.get(ref, "group", "") == ""
	object.get(ref, "kind", "Service") == "Service"
	object.get(ref, "namespace", ns) == ns
}

violation contains {"msg": msg, "details": {"field": path}} if {
	some [path, name] in backends
	not name in named("", "Service")
	msg := sprintf("%s sends traffic to Service %q, which the scan does not create in namespace %q; add it or fix the name", [k8s.label, name, ns])
}

violation contains {"msg": msg, "details": {"field": ["spec", "scaleTargetRef", "name"]}} if {
	target := k8s.resource.spec.scaleTargetRef
	not target.name in named_of_kind(target.kind)
	msg := sprintf("%s scales %s %q, which the scan does not create in namespace %q; add it or fix spec.scaleTargetRef", [k8s.label, target.kind, target.name, ns])
}
