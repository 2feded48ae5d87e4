# METADATA
# title: Services in a namespace do not share a selector
# description: >-
#   Two Services with the same selector in one namespace send their traffic
#   to the same pods, so a Service created later (or by another team) takes
#   over, or mirrors, another's endpoints: a network policy, mesh rule or
#   monitoring written for one applies to the other's traffic. A Service
#   without a selector (its endpoints managed by hand) is not judged.
# custom:
#   id: SS-NET-011
#   severity: low
#   requirements: [NET-17]
#   frameworks:
#     mitre: ["T1557"]
#   kinds: [Service]
#   sync: [v1/Service]
#   remediation: Give each Service its own selector (add a label that tells the workloads apart), or merge the two Services into one with several ports.
package shipshape.net.service_selectors

import rego.v1

import data.lib.inventory
import data.lib.k8s

selector := k8s.resource.spec.selector

violation contains {"msg": msg, "details": {"field": ["spec", "selector"]}} if {
	count(selector) > 0
	some other in inventory.namespaced(k8s.namespace, "", "Service")
	other.metadata.name != k8s.name
	other.spec.selector == selector
	msg := sprintf("%s selects the same pods as Service %q (selector %v); give each Service its own selector", [k8s.label, other.metadata.name, selector])
}
