# METADATA
# title: cluster-admin is bound only to approved subjects
# description: >-
#   cluster-admin, any role named in adminRoles, and any ClusterRole in the
#   inventory that grants "*" verbs on "*" resources in "*" API groups give
#   full control of the cluster (or of a namespace, through a RoleBinding);
#   a ClusterRoleBinding of the built-in admin or edit role
#   (namespaceAdminRoles) gives its rights in every namespace, Secrets and
#   workloads of kube-system included. Every subject bound to such a role
#   must be in approvedClusterAdmins.
# custom:
#   id: SS-IAM-002
#   severity: critical
#   requirements: [IAM-06]
#   frameworks:
#     cis-k8s: ["5.1.1"]
#     cis-aks: ["4.1.1"]
#     mcsb: [PA-1, PA-7]
#     nsa-cisa: [Authentication and authorization]
#     mitre: [T1078]
#   kinds: [rbac.authorization.k8s.io/RoleBinding, rbac.authorization.k8s.io/ClusterRoleBinding]
#   sync: [rbac.authorization.k8s.io/v1/ClusterRole, rbac.authorization.k8s.io/v1/Role]
#   remediation: Bind a narrower role, or add the subject to settings.approvedClusterAdmins after review.
#   parameters:
#     type: object
#     properties:
#       approvedClusterAdmins:
#         type: array
#         default: []
#         items: {type: object, properties: {kind: {type: string}, name: {type: string}, namespace: {type: string}}, required: [kind, name]}
#       adminRoles:
#         type: array
#         items: {type: string}
#         default: [cluster-admin]
#       namespaceAdminRoles:
#         type: array
#         items: {type: string}
#         default: [admin, edit]
package shipshape.iam.cluster_admin_bindings

import rego.v1

import data.lib.k8s
import data.lib.rbac

violation contains {"msg": msg, "details": {"field": ["subjects", i]}} if {
	role := admin_role
	some [i, subject] in rbac.subjects
	not approved(subject)
	msg := sprintf("%s binds %s to %s, which is not in approvedClusterAdmins; bind a narrower role or approve the subject", [k8s.label, role, rbac.subject_label(subject)])
}

# admin_role names the full-control role the binding refers to.
admin_role := sprintf("ClusterRole %q", [rbac.role_ref.name]) if {
	rbac.role_ref.kind == "ClusterRole"
	rbac.role_ref.name in input.parameters.adminRoles
} else := sprintf("ClusterRole %q cluster-wide (its rights in every namespace)", [rbac.role_ref.name]) if {
	k8s.resource.kind == "ClusterRoleBinding"
	rbac.role_ref.kind == "ClusterRole"
	rbac.role_ref.name in input.parameters.namespaceAdminRoles
} else := sprintf("%s %q (it grants * on *)", [rbac.role_ref.kind, rbac.role_ref.name]) if {
	some role in rbac.bound_roles
	rbac.role_grants(role, "*", "*", "*")
}

approved(subject) if {
	some entry in input.parameters.approvedClusterAdmins
	entry.kind == subject.kind
	entry.name == subject.name
	k8s.get(entry, "namespace", "") == k8s.get(subject, "namespace", "")
}
