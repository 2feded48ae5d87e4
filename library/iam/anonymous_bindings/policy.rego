# METADATA
# title: Nothing is granted to anonymous or unauthenticated requests
# description: >-
#   A RoleBinding or ClusterRoleBinding whose subjects include the user
#   system:anonymous or the group system:unauthenticated grants its role to
#   anyone who can reach the API server, whatever the role.
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
package shipshape.iam.anonymous_bindings

import rego.v1

import data.lib.k8s
import data.lib.rbac

violation contains {"msg": msg, "details": {"field": ["subjects", i]}} if {
	some [i, subject] in rbac.subjects
	subject.name in {"system:anonymous", "system:unauthenticated"}
	msg := sprintf("%s grants %s %q to %s, so unauthenticated requests get it; remove the subject", [k8s.label, rbac.role_ref.kind, rbac.role_ref.name, rbac.subject_label(subject)])
}
