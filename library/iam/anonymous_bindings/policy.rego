# METADATA
# title: Nothing is granted to anonymous or unauthenticated requests
# description: >-
#   A RoleBinding or ClusterRoleBinding whose subjects include the user
#   system:anonymous or the group system:unauthenticated grants its role to
#   anyone who can reach the API server, whatever the role. Kubernetes' own
#   binding of system:public-info-viewer (health and version endpoints) is
#   allowed (allowedRoles), as SS-IAM-020 allows it.
# custom:
#   id: SS-IAM-007
#   severity: critical
#   requirements: [IAM-04]
#   frameworks:
#     cis-k8s: ["5.1.7"]
#     mcsb: [IM-1, PA-7]
#     nsa-cisa: [Authentication and authorization]
#     mitre: [T1078.001]
#   kinds: [rbac.authorization.k8s.io/RoleBinding, rbac.authorization.k8s.io/ClusterRoleBinding]
#   remediation: Remove system:anonymous and system:unauthenticated from the binding's subjects.
#   parameters:
#     type: object
#     properties:
#       allowedRoles:
#         type: array
#         items: {type: string}
#         default: ["system:public-info-viewer"]
package shipshape.iam.anonymous_bindings

import rego.v1

import data.lib.k8s
import data.lib.rbac

violation contains {"msg": msg, "details": {"field": ["subjects", i]}} if {
	not allowed
	some [i, subject] in rbac.subjects
	subject.name in {"system:anonymous", "system:unauthenticated"}
	msg := sprintf("%s grants %s %q to %s, so unauthenticated requests get it; remove the subject", [k8s.label, rbac.role_ref.kind, rbac.role_ref.name, rbac.subject_label(subject)])
}

# allowed is true for the ClusterRoles Kubernetes itself grants to
# unauthenticated requests: system:public-info-viewer reads /healthz,
# /livez, /readyz and /version only.
allowed if {
	rbac.role_ref.kind == "ClusterRole"
	rbac.role_ref.name in input.parameters.allowedRoles
}
