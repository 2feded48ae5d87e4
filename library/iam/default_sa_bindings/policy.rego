# METADATA
# title: No role is bound to a default ServiceAccount
# description: >-
#   Every pod that names no service account runs as its namespace's default
#   ServiceAccount, so permissions bound to it reach all of them. Bindings
#   must name a dedicated ServiceAccount.
# custom:
#   id: SS-IAM-008
#   severity: high
#   requirements: [IAM-10]
#   frameworks:
#     cis-k8s: ["5.1.5"]
#     cis-aks: ["4.1.5"]
#     mcsb: [PA-7]
#     nsa-cisa: [Authentication and authorization]
#   kinds: [rbac.authorization.k8s.io/RoleBinding, rbac.authorization.k8s.io/ClusterRoleBinding]
#   remediation: Create a dedicated ServiceAccount for the workload and bind the role to it.
package shipshape.iam.default_sa_bindings

import rego.v1

import data.lib.k8s
import data.lib.rbac

violation contains {"msg": msg, "details": {"field": ["subjects", i]}} if {
	some [i, subject] in rbac.subjects
	subject.kind == "ServiceAccount"
	subject.name == "default"
	msg := sprintf("%s binds %s %q to %s, which every pod without its own service account uses; bind a dedicated ServiceAccount", [k8s.label, rbac.role_ref.kind, rbac.role_ref.name, rbac.subject_label(subject)])
}
