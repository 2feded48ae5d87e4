# METADATA
# title: Nothing is bound to the built-in broad groups
# description: >-
#   system:authenticated holds every user and every ServiceAccount of the
#   cluster, system:serviceaccounts (and system:serviceaccounts:NAMESPACE)
#   every ServiceAccount (of a namespace), and system:masters bypasses RBAC
#   entirely. A binding to one of them grants its role to everyone in it.
#   Only Kubernetes' own discovery bindings (allowedRoles) may name them.
# custom:
#   id: SS-IAM-020
#   severity: high
#   requirements: [IAM-20]
#   frameworks:
#     nsa-cisa: [Authentication and authorization]
#     mitre: ["T1078"]
#   kinds: [rbac.authorization.k8s.io/RoleBinding, rbac.authorization.k8s.io/ClusterRoleBinding]
#   remediation: Bind the role to the specific users, groups or ServiceAccounts that need it.
#   parameters:
#     type: object
#     properties:
#       allowedRoles:
#         type: array
#         items: {type: string}
#         default: ["system:basic-user", "system:discovery", "system:public-info-viewer", "system:service-account-issuer-discovery"]
package shipshape.iam.broad_group_bindings

import rego.v1

import data.lib.k8s
import data.lib.rbac

violation contains {"msg": msg, "details": {"field": ["subjects", i]}} if {
	not allowed
	some [i, subject] in rbac.subjects
	subject.kind == "Group"
	broad(subject.name)
	msg := sprintf("%s binds %s %q to the built-in group %q, so every member gets it; bind specific subjects instead", [k8s.label, rbac.role_ref.kind, rbac.role_ref.name, subject.name])
}

broad(name) if name in {"system:authenticated", "system:serviceaccounts", "system:masters"}

broad(name) if startswith(name, "system:serviceaccounts:")

# allowed is true for Kubernetes' own discovery bindings.
allowed if {
	rbac.role_ref.kind == "ClusterRole"
	rbac.role_ref.name in input.parameters.allowedRoles
}
