# METADATA
# title: Namespaces enforce Pod Security Admission
# description: >-
#   Every Namespace carries pod-security.kubernetes.io/enforce with a valid
#   level: restricted in production namespaces (productionNamespaceSelector),
#   at least baseline elsewhere, and privileged only in systemNamespaces or
#   approvedPrivilegedNamespaces. A missing label leaves the cluster default
#   (usually privileged) in force. This control judges system namespaces
#   itself.
# custom:
#   id: SS-POD-001
#   severity: high
#   requirements: [POD-03, POD-01, POD-02]
#   frameworks:
#     cis-k8s: ["5.2.1"]
#     mcsb: [PV-2]
#     nsa-cisa: [Kubernetes Pod security]
#   kinds: [Namespace]
#   remediation: Label the namespace pod-security.kubernetes.io/enforce=restricted (baseline where restricted is not yet possible).
#   parameters:
#     type: object
#     properties:
#       systemNamespaces: {type: array, items: {type: string}, default: [kube-system, gatekeeper-system, azure-arc, azure-extensions-usage-system]}
#       approvedPrivilegedNamespaces: {type: array, items: {type: string}, default: []}
#       productionNamespaceSelector: {type: object, default: {matchLabels: {environment: production}}}
package shipshape.pod.namespace_psa_labels

import rego.v1

import data.lib.k8s
import data.lib.namespaces
import data.lib.selectors

label := "pod-security.kubernetes.io/enforce"

field := ["metadata", "labels", label]

levels := {"privileged", "baseline", "restricted"}

level := k8s.labels[label]

production if {
	selector := input.parameters.productionNamespaceSelector
	count(object.get(selector, "matchLabels", {})) + count(object.get(selector, "matchExpressions", [])) > 0
	selectors.matches(selector, k8s.labels)
}

privileged_allowed if namespaces.matches_any(k8s.name, input.parameters.systemNamespaces)

privileged_allowed if namespaces.matches_any(k8s.name, input.parameters.approvedPrivilegedNamespaces)

violation contains {"msg": msg, "details": {"field": ["metadata", "labels"]}} if {
	not label in object.keys(k8s.labels)
	msg := sprintf("%s has no %s label, so the cluster's default level applies; label it %s=%s", [k8s.label, label, label, wanted])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	not level in levels
	label in object.keys(k8s.labels)
	msg := sprintf("%s sets %s to %s, which is not a Pod Security level; use %s", [k8s.label, label, json.marshal(level), wanted])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	production
	level in {"privileged", "baseline"}
	msg := sprintf("%s is a production namespace but enforces %s; set %s=restricted", [k8s.label, level, label])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	level == "privileged"
	not production
	not privileged_allowed
	msg := sprintf("%s enforces privileged, which only system and approved namespaces may; set %s=baseline or restricted, or approve the namespace", [k8s.label, label])
}

wanted := "restricted" if {
	production
} else := "restricted (or baseline)"
