# METADATA
# title: Powerful roles are not bound to broad groups
# description: >-
#   Binding system:authenticated (every signed-in identity, including every
#   service account) or system:serviceaccounts[:namespace] to a role that
#   creates pods or workloads, or escalates, hands that power to everyone.
#   A role is powerful when it is named in powerfulRoles or, from the
#   inventory, grants create on pods or workload kinds, or escalate, bind or
#   impersonate.
# custom:
#   id: SS-IAM-006
#   severity: critical
#   requirements: [IAM-09, IAM-04, IAM-20]
#   frameworks:
#     cis-k8s: ["5.1.4", "5.1.8"]
#     cis-aks: ["4.1.4"]
#     mcsb: [PA-7]
#     nsa-cisa: [Authentication and authorization]
#     mitre: [T1078, T1610]
#   kinds: [rbac.authorization.k8s.io/RoleBinding, rbac.authorization.k8s.io/ClusterRoleBinding]
#   sync: [rbac.authorization.k8s.io/v1/ClusterRole, rbac.authorization.k8s.io/v1/Role]
#   remediation: Bind the role to specific users, groups or service accounts instead of a system-wide group.
#   parameters:
#     type: object
#     properties:
#       powerfulRoles:
#         type: array
#         items: {type: string}
#         default: [cluster-admin, admin, edit]
package shipshape.iam.broad_bindings

import rego.v1

import data.lib.k8s
import data.lib.rbac

workload_resources := [
	["", "pods"], ["apps", "deployments"], ["apps", "daemonsets"], ["apps", "statefulsets"],
	["apps", "replicasets"], ["batch", "jobs"], ["batch", "cronjobs"], ["", "replicationcontrollers"],
]

escalation := [
	["escalate", "rbac.authorization.k8s.io", "clusterroles"],
	["bind", "rbac.authorization.k8s.io", "clusterroles"],
	["impersonate", "", "users"],
]

violation contains {"msg": msg, "details": {"field": ["subjects", i]}} if {
	reason := powerful
	some [i, subject] in rbac.subjects
	subject.kind == "Group"
	broad(subject.name)
	msg := sprintf("%s binds %s %q, which %s, to the broad group %q; bind specific subjects instead", [k8s.label, rbac.role_ref.kind, rbac.role_ref.name, reason, subject.name])
}

broad(name) if name in {"system:authenticated", "system:serviceaccounts"}

broad(name) if startswith(name, "system:serviceaccounts:")

powerful := "is a built-in powerful role" if {
	rbac.role_ref.kind == "ClusterRole"
	rbac.role_ref.name in input.parameters.powerfulRoles
} else := "can create workloads" if {
	some [group, resource] in workload_resources
	some role in rbac.bound_roles
	rbac.role_grants(role, "create", group, resource)
} else := "can escalate privileges" if {
	some [verb, group, resource] in escalation
	some role in rbac.bound_roles
	rbac.role_grants(role, verb, group, resource)
}
