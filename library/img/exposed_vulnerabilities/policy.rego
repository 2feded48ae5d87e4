# METADATA
# title: Workloads exposed outside the cluster run no critical or network-exploitable vulnerabilities
# description: >-
#   A vulnerable image is most dangerous where the internet reaches it. A
#   workload that a LoadBalancer or NodePort Service, an Ingress or a Gateway
#   API route exposes, and whose image has, in the evidence, a CRITICAL
#   vulnerability or a HIGH one whose CVSS vector says it is exploitable over
#   the network (AV:N), is reported at the highest severity with the path
#   from outside to it, so it is patched first. Exposure is read from the
#   scan's Services, Ingresses and routes in the workload's namespace.
# custom:
#   id: SS-IMG-008
#   severity: critical
#   requirements: [RT-05]
#   frameworks:
#     mitre: ["T1190"]
#     mcsb: [PV-5]
#   kinds: [workloads]
#   sync:
#     - evidence.shipshape.dev/v1/ImageScan
#     - v1/Service
#     - networking.k8s.io/v1/Ingress
#     - gateway.networking.k8s.io/v1/HTTPRoute
#     - gateway.networking.k8s.io/v1/GRPCRoute
#     - gateway.networking.k8s.io/v1alpha2/TLSRoute
#     - gateway.networking.k8s.io/v1alpha2/TCPRoute
#     - networking.istio.io/v1/VirtualService
#   admission: false
#   remediation: Patch the image first (rebuild on fixed packages and redeploy), or take the workload off the exposure path until it is patched.
package shipshape.img.exposed_vulnerabilities

import rego.v1

import data.lib.evidence
import data.lib.inventory
import data.lib.k8s
import data.lib.pods
import data.lib.selectors

ns := k8s.namespace

# services are the scan's Services in the namespace that select this
# workload's pods.
services contains s if {
	some s in inventory.namespaced(ns, "", "Service")
	selector := s.spec.selector
	count(selector) > 0
	selectors.matches({"matchLabels": selector}, pods.labels)
}

service_names := {s.metadata.name | some s in services}

# paths are the ways in from outside, in words.
paths contains sprintf("%s Service %s", [s.spec.type, s.metadata.name]) if {
	some s in services
	s.spec.type in {"LoadBalancer", "NodePort"}
}

paths contains sprintf("Ingress %s → Service %s", [i.metadata.name, name]) if {
	some i in inventory.namespaced(ns, "networking.k8s.io", "Ingress")
	some name in ingress_backends(i)
	name in service_names
}

ingress_backends(i) := {name |
	some rule in i.spec.rules
	some p in rule.http.paths
	name := p.backend.service.name
} | {name | name := i.spec.defaultBackend.service.name}

paths contains sprintf("%s %s → Service %s", [kind, r.metadata.name, ref.name]) if {
	some kind in ["HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute"]
	some r in inventory.namespaced(ns, "gateway.networking.k8s.io", kind)
	some rule in r.spec.rules
	some ref in rule.backendRefs
	object.get(ref, "kind", "Service") == "Service"
	object.get(ref, "namespace", ns) == ns
	ref.name in service_names
}

# An Istio VirtualService bound to a Gateway (anything but the mesh alone)
# routes traffic from the ingress gateway to its destinations; it may live
# in another namespace and name the Service by its full host name.
paths contains sprintf("Istio Gateway %s → VirtualService %s → Service %s", [concat(", ", gateways), vs.metadata.name, name]) if {
	some vs in inventory.all("networking.istio.io", "VirtualService")
	gateways := sort([g | some g in object.get(vs.spec, "gateways", []); g != "mesh"])
	count(gateways) > 0
	some name in istio_destinations(vs)
	name in service_names
}

# istio_destinations are the Services of this namespace a VirtualService
# routes to: a short host in its own namespace, or name.namespace[.svc...].
istio_destinations(vs) := {name |
	some protocol in ["http", "tcp", "tls"]
	some route in object.get(vs.spec, protocol, [])
	some destination in object.get(route, "route", [])
	[name, namespace] := istio_host(destination.destination.host, vs.metadata.namespace)
	namespace == ns
}

istio_host(host, vs_namespace) := [host, vs_namespace] if {
	not contains(host, ".")
} else := [parts[0], parts[1]] if {
	parts := split(host, ".")
	count(parts) == 2
} else := [parts[0], parts[1]] if {
	parts := split(host, ".")
	parts[2] == "svc"
}

# serious: critical, or high and reachable over the network.
serious(v) if v.severity == "CRITICAL"

serious(v) if {
	v.severity == "HIGH"
	v.network == true
}

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["image"])}} if {
	count(paths) > 0
	some c in evidence.judged
	found := {v.id | some r in evidence.about("ImageScan", c.value.image); some v in r.spec.vulnerabilities; serious(v)}
	count(found) > 0
	msg := sprintf("%s is reachable from outside the cluster (%s) and runs %q, which has critical or network-exploitable vulnerabilities (%s): the highest risk in the scan; patch it first", [pods.label(c), concat("; ", sort(paths)), c.value.image, concat(", ", array.slice(sort(found), 0, 5))])
}
