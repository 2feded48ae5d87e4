# METADATA
# title: RBAC helpers
# description: >-
#   What a Role or ClusterRole grants, with Kubernetes' matching rules:
#   "*" in verbs, apiGroups and resources, subresources ("pods/exec"
#   granted by "pods/exec", "pods/*", "*/exec" or "*"), and the subjects of
#   RoleBindings and ClusterRoleBindings.
package lib.rbac

import rego.v1

import data.lib.k8s

# is_role is true for Roles and ClusterRoles.
is_role if k8s.has_kind("rbac.authorization.k8s.io", "Role")

is_role if k8s.has_kind("rbac.authorization.k8s.io", "ClusterRole")

# is_binding is true for RoleBindings and ClusterRoleBindings.
is_binding if k8s.has_kind("rbac.authorization.k8s.io", "RoleBinding")

is_binding if k8s.has_kind("rbac.authorization.k8s.io", "ClusterRoleBinding")

# rules are the rules of the role under review, with their index.
rules contains [i, rule] if {
	is_role
	some i, rule in k8s.resource.rules
	is_object(rule)
}

# grants is true when a rule allows verb on resource (optionally
# "resource/subresource") in API group.
grants(rule, verb, group, resource) if {
	has(rule, "verbs", verb)
	has(rule, "apiGroups", group)
	grants_resource(rule, resource)
}

has(rule, field, value) if {
	some v in object.get(rule, field, [])
	v in {value, "*"}
}

grants_resource(rule, resource) if {
	not contains(resource, "/")
	some r in object.get(rule, "resources", [])
	r in {resource, "*"}
}

grants_resource(rule, resource) if {
	[parent, sub] := split(resource, "/")
	some r in object.get(rule, "resources", [])
	r in {resource, "*", concat("/", [parent, "*"]), concat("/", ["*", sub])}
}

# role_label names the role in messages, e.g. `ClusterRole "ops"`.
role_label := k8s.label

# subjects are the subjects of the binding under review, with their index.
subjects contains [i, subject] if {
	is_binding
	some i, subject in k8s.resource.subjects
	is_object(subject)
}

# subject_label names a subject in messages: `Group "system:anonymous"`.
subject_label(subject) := sprintf("%s %q", [k8s.get(subject, "kind", ""), k8s.get(subject, "name", "")]) if {
	k8s.get(subject, "namespace", "") == ""
} else := sprintf("%s %q", [subject.kind, concat("/", [subject.namespace, k8s.get(subject, "name", "")])])

# role_ref is the binding's roleRef: {kind, name}.
role_ref := k8s.resource.roleRef

# bound_roles are the roles a binding refers to, from the inventory (a
# ClusterRole, or a Role in the binding's namespace): one, or one per
# apiVersion when the scan holds the role under several (v1 and v1beta1),
# since the scan cannot tell which the cluster will keep. A binding is
# judged by what any of them grants.
bound_roles contains role if {
	role_ref.kind == "ClusterRole"
	some gv, kinds in data.inventory.cluster
	k8s.api_group(gv) == "rbac.authorization.k8s.io"
	role := kinds.ClusterRole[role_ref.name]
}

bound_roles contains role if {
	role_ref.kind == "Role"
	some gv, kinds in data.inventory.namespace[k8s.namespace]
	k8s.api_group(gv) == "rbac.authorization.k8s.io"
	role := kinds.Role[role_ref.name]
}

# role_grants is true when a role object (from the inventory) allows verb
# on resource in group.
role_grants(role, verb, group, resource) if {
	some rule in object.get(role, "rules", [])
	grants(rule, verb, group, resource)
}

# approved is true when the role under review is listed in entries
# ({kind, name, namespace}; namespace only for Roles).
approved(entries) if {
	some e in entries
	e.kind == k8s.resource.kind
	e.name == k8s.name
	approved_namespace(e)
}

approved_namespace(e) if e.kind == "ClusterRole"

approved_namespace(e) if {
	e.kind == "Role"
	k8s.get(e, "namespace", "") == k8s.namespace
}

# rule_path is the path of a rule of the role under review.
rule_path(i) := ["rules", i]

# granted returns "verb on resource" for each target the rule allows, as
# the API server reads wildcards. A target is {group, resource, verbs};
# resource "*" stands for every resource of the group (the kinds of a CRD
# group such as constraints.gatekeeper.sh), which any resource of the rule
# in that group reaches.
granted(rule, targets) := {sprintf("%s on %s", [verb, target_label(t)]) |
	some t in targets
	some verb in t.verbs
	grants_target(rule, verb, t)
}

grants_target(rule, verb, t) if {
	t.resource != "*"
	grants(rule, verb, t.group, t.resource)
}

grants_target(rule, verb, t) if {
	t.resource == "*"
	has(rule, "verbs", verb)
	reaches_every_resource(rule, t.group)
}

# reaches_every_resource is true when a rule reaches the resources of a
# group whose resource names vary (a CRD group): it names the group and
# some resource, or grants "*" resources in "*" groups. apiGroups ["*"]
# with resources ["secrets"] names no resource of constraints.gatekeeper.sh.
reaches_every_resource(rule, group) if {
	group in object.get(rule, "apiGroups", [])
	count(object.get(rule, "resources", [])) > 0
}

reaches_every_resource(rule, _) if {
	"*" in object.get(rule, "apiGroups", [])
	"*" in object.get(rule, "resources", [])
}

# cluster_scoped_resources are, by API group, the cluster-scoped resources
# the controls look for ("*": every resource of the group). A Role cannot
# grant them: the API server applies a Role only to namespaced resources.
cluster_scoped_resources := {
	"": {"nodes", "persistentvolumes", "namespaces", "componentstatuses"},
	"certificates.k8s.io": {"certificatesigningrequests", "signers"},
	"admissionregistration.k8s.io": {"*"},
	"templates.gatekeeper.sh": {"*"},
	"constraints.gatekeeper.sh": {"*"},
	"rbac.authorization.k8s.io": {"clusterroles", "clusterrolebindings"},
	"kyverno.io": {"clusterpolicies"},
}

# cluster_scoped is true for a target on a cluster-scoped resource (or one
# of its subresources, nodes/proxy).
cluster_scoped(t) if {
	some scoped in cluster_scoped_resources[t.group]
	scoped in {"*", split(t.resource, "/")[0]}
}

# grantable are the targets the role under review can grant: a Role only
# the namespaced ones.
grantable(targets) := targets if {
	k8s.resource.kind == "ClusterRole"
} else := [t | some t in targets; not cluster_scoped(t)]

# target_label names a target: "nodes/proxy", "constrainttemplates.templates.gatekeeper.sh".
target_label(t) := t.resource if t.group == ""

target_label(t) := concat(".", [t.resource, t.group]) if t.group != ""

# sensitive returns, for the role under review, each rule that grants one
# of the targets the role can grant, as [index, grants]; nothing when the
# role is approved.
sensitive(targets, approved_roles) := {[i, grants] |
	not approved(approved_roles)
	reachable := grantable(targets)
	some [i, rule] in rules
	grants := granted(rule, reachable)
	count(grants) > 0
}
