# METADATA
# title: Roles do not erase evidence, read every log or rewrite cluster DNS
# description: >-
#   Deleting events or pod logs erases evidence; reading every pod's logs
#   collects the secrets applications print; writing the coredns ConfigMap
#   sends any name anywhere. Denied outside approvedRoles: delete on events
#   or pods/log, get on pods/log in a ClusterRole that does not only
#   aggregate into view, edit or admin, writes to the coredns ConfigMap or
#   to every ConfigMap of its namespace (dnsNamespaces), and a
#   ClusterRoleBinding of a ClusterRole that writes every ConfigMap.
# custom:
#   id: SS-IAM-018
#   severity: medium
#   requirements: [IAM-22]
#   frameworks:
#     mcsb: [PA-7, LT-4]
#     nsa-cisa: [Authentication and authorization]
#     mitre: ["T1070", "T1552", "T1557"]
#   kinds: [rbac.authorization.k8s.io/Role, rbac.authorization.k8s.io/ClusterRole, rbac.authorization.k8s.io/ClusterRoleBinding]
#   sync: [rbac.authorization.k8s.io/v1/ClusterRole]
#   remediation: Remove the rule; keep event and log retention to the logging pipeline, log reading to namespaced roles, and DNS changes to the cluster operators' approved role (settings.approvedRoles).
#   parameters:
#     type: object
#     properties:
#       dnsNamespaces: {type: array, items: {type: string}, default: [kube-system]}
#       approvedRoles:
#         type: array
#         default: []
#         items: {type: object, properties: {kind: {type: string}, name: {type: string}, namespace: {type: string}}, required: [kind, name]}
package shipshape.iam.tamper_grants

import rego.v1

import data.lib.k8s
import data.lib.rbac

erasing := [
	{"group": "", "resource": "events", "verbs": ["delete", "deletecollection"]},
	{"group": "events.k8s.io", "resource": "events", "verbs": ["delete", "deletecollection"]},
	{"group": "", "resource": "pods/log", "verbs": ["delete", "deletecollection"]},
]

violation contains {"msg": msg, "details": {"field": rbac.rule_path(i)}} if {
	some [i, grants] in rbac.sensitive(erasing, input.parameters.approvedRoles)
	msg := sprintf("%s rule %d grants %s, which erases what an investigation reads; remove it or grant it only through an approved role", [rbac.role_label, i, concat(", ", sort(grants))])
}

violation contains {"msg": msg, "details": {"field": rbac.rule_path(i)}} if {
	k8s.resource.kind == "ClusterRole"
	not aggregated
	some [i, _] in rbac.sensitive([{"group": "", "resource": "pods/log", "verbs": ["get"]}], input.parameters.approvedRoles)
	msg := sprintf("%s rule %d grants get on pods/log cluster-wide, so it reads every pod's logs and the secrets they print; grant it in namespaced roles or through an approved role", [rbac.role_label, i])
}

violation contains {"msg": msg, "details": {"field": rbac.rule_path(i)}} if {
	not rbac.approved(input.parameters.approvedRoles)
	some [i, rule] in rbac.rules
	target := dns_config(rule)
	verbs := [verb | some verb in ["update", "patch", "delete"]; rbac.grants(rule, verb, "", "configmaps")]
	count(verbs) > 0
	msg := sprintf("%s rule %d grants %s on %s, which rewrites cluster DNS; remove it or grant it only through an approved role", [rbac.role_label, i, concat(", ", verbs), target])
}

# aggregated is true for a ClusterRole that only feeds view, edit or admin.
aggregated if {
	some label, value in k8s.labels
	label in {"rbac.authorization.k8s.io/aggregate-to-view", "rbac.authorization.k8s.io/aggregate-to-edit", "rbac.authorization.k8s.io/aggregate-to-admin"}
	value == "true"
}

# dns_config names what of the DNS configuration a rule reaches: the
# coredns ConfigMap by name, or every ConfigMap of a Role in a namespace
# that holds it (a ClusterRole has no namespace, whatever its metadata
# says).
dns_config(rule) := "the coredns ConfigMap" if {
	"coredns" in object.get(rule, "resourceNames", [])
} else := sprintf("every ConfigMap of namespace %q, the coredns one included", [k8s.namespace]) if {
	k8s.namespace in input.parameters.dnsNamespaces
	count(object.get(rule, "resourceNames", [])) == 0
}

# A ClusterRole that writes every ConfigMap is harmless until a
# ClusterRoleBinding gives it in every namespace, kube-system included.
violation contains {"msg": msg, "details": {"field": ["roleRef", "name"]}} if {
	rbac.role_ref.kind == "ClusterRole"
	not approved_cluster_role(rbac.role_ref.name)
	some role in rbac.bound_roles
	writing := [sprintf("rule %d (%s)", [i, concat(", ", verbs)]) |
		some i, rule in object.get(role, "rules", [])
		count(object.get(rule, "resourceNames", [])) == 0
		verbs := [verb | some verb in ["update", "patch", "delete"]; rbac.grants(rule, verb, "", "configmaps")]
		count(verbs) > 0
	]
	count(writing) > 0
	msg := sprintf("%s binds ClusterRole %q in every namespace, and its %s write every ConfigMap, the coredns one in %s included, which rewrites cluster DNS; bind it with RoleBindings in the namespaces that need it, or approve the role", [k8s.label, rbac.role_ref.name, concat(" and ", writing), concat(", ", input.parameters.dnsNamespaces)])
}

approved_cluster_role(name) if {
	some e in input.parameters.approvedRoles
	e.kind == "ClusterRole"
	e.name == name
}
