# METADATA
# title: Services are not exposed outside the network
# description: >-
#   On AKS a LoadBalancer Service gets a public IP unless it carries
#   service.beta.kubernetes.io/azure-load-balancer-internal: "true" (the
#   cloud provider accepts exactly "true"); NodePort opens a port on every
#   node; externalIPs route outside addresses to the Service and allow
#   traffic interception. Public LoadBalancers need approval
#   (approvedPublicServices, namespace/name).
# custom:
#   id: SS-NET-003
#   severity: high
#   requirements: [NET-07]
#   frameworks:
#     mcsb: [NS-1, NS-2]
#     nsa-cisa: [Network separation and hardening]
#     mitre: [T1133]
#   kinds: [Service]
#   remediation: Use ClusterIP behind an Ingress, or an internal load balancer (annotation service.beta.kubernetes.io/azure-load-balancer-internal "true"); remove externalIPs.
#   parameters:
#     type: object
#     properties:
#       approvedPublicServices:
#         type: array
#         items: {type: string}
#         default: []
package shipshape.net.service_exposure

import rego.v1

import data.lib.k8s

internal_annotation := "service.beta.kubernetes.io/azure-load-balancer-internal"

violation contains {"msg": msg, "details": {"field": ["metadata", "annotations", internal_annotation]}} if {
	k8s.resource.spec.type == "LoadBalancer"
	not k8s.annotations[internal_annotation] == "true"
	not concat("/", [k8s.namespace, k8s.name]) in input.parameters.approvedPublicServices
	msg := sprintf("%s is a public LoadBalancer (annotation %s is %s); set it to \"true\" or approve the Service", [k8s.label, internal_annotation, annotation_value])
}

violation contains {"msg": msg, "details": {"field": ["spec", "type"]}} if {
	k8s.resource.spec.type == "NodePort"
	msg := sprintf("%s is of type NodePort, which opens a port on every node; use ClusterIP behind an Ingress or an internal LoadBalancer", [k8s.label])
}

violation contains {"msg": msg, "details": {"field": ["spec", "externalIPs"]}} if {
	count(k8s.get(k8s.resource.spec, "externalIPs", [])) > 0
	msg := sprintf("%s sets spec.externalIPs %v, which can intercept traffic to those addresses; remove them", [k8s.label, k8s.resource.spec.externalIPs])
}

annotation_value := sprintf("%q", [v]) if {
	v := k8s.annotations[internal_annotation]
	is_string(v)
} else := json.marshal(k8s.annotations[internal_annotation]) if {
	internal_annotation in object.keys(k8s.annotations)
} else := "missing"
