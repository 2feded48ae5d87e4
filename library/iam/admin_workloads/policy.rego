# METADATA
# title: Workloads do not run as service accounts with cluster-admin rights
# description: >-
#   A pod's service account token is readable by any code in the pod. When
#   a ClusterRoleBinding gives that account, or a group it belongs to
#   (system:serviceaccounts[:NAMESPACE], system:authenticated),
#   cluster-admin or a role that grants every verb on every resource,
#   escalate, bind or impersonate, reading every Secret, or creating pods
#   or workloads in every namespace, whoever runs code in the pod controls
#   the cluster. The finding names the chain of bindings to the role.
# custom:
#   id: SS-IAM-021
#   severity: high
#   requirements: [IAM-24]
#   frameworks:
#     mitre: ["T1078.004", "T1611"]
#     cis-k8s: ["5.1.1"]
#   kinds: [workloads]
#   sync: [rbac.authorization.k8s.io/v1/ClusterRoleBinding, rbac.authorization.k8s.io/v1/ClusterRole]
#   remediation: Run the workload as a service account of its own, bound only to a Role with the verbs and resources it needs; remove the ClusterRoleBinding or the group subject that reaches it.
package shipshape.iam.admin_workloads

import rego.v1

import data.lib.inventory
import data.lib.k8s
import data.lib.pods
import data.lib.rbac

ns := k8s.namespace

sa := pods.service_account

# identities are how the API server sees the pod's token: the account and
# the groups every service account token carries.
identities contains {"kind": "ServiceAccount", "name": sa, "namespace": ns, "via": sprintf("ServiceAccount %s/%s", [ns, sa])}

identities contains {"kind": "Group", "name": group, "via": sprintf("ServiceAccount %s/%s in Group %s", [ns, sa, group])} if {
	some group in ["system:serviceaccounts", sprintf("system:serviceaccounts:%s", [ns]), "system:authenticated"]
}

matches(subject, id) if {
	id.kind == "ServiceAccount"
	subject.kind == "ServiceAccount"
	subject.name == id.name
	subject.namespace == id.namespace
}

matches(subject, id) if {
	id.kind == "Group"
	subject.kind == "Group"
	subject.name == id.name
}

# admin_rights says why a ClusterRole is cluster-admin-like.
admin_rights(name) := "the built-in cluster-admin" if name == "cluster-admin"

# The scan may hold the role under several apiVersions (v1 and v1beta1):
# each one's reason is given.
admin_rights(name) := concat("; ", sort(reasons)) if {
	name != "cluster-admin"
	reasons := {role_reason(role) |
		some role in inventory.cluster("rbac.authorization.k8s.io", "ClusterRole")
		role.metadata.name == name
	}
	count(reasons) > 0
}

role_reason(role) := "every verb on every resource" if {
	some rule in role.rules
	"*" in rule.verbs
	"*" in rule.resources
	"*" in rule.apiGroups
} else := sprintf("%s on roles", [concat(" and ", verbs)]) if {
	verbs := [verb |
		some verb in ["escalate", "bind"]
		rbac.role_grants(role, verb, "rbac.authorization.k8s.io", "clusterroles")
	]
	count(verbs) > 0
} else := "impersonate" if {
	some resource in ["users", "groups", "serviceaccounts"]
	rbac.role_grants(role, "impersonate", "", resource)
} else := sprintf("%s on secrets in every namespace, so it reads the tokens and credentials of every account, cluster-admins' included", [concat(" and ", verbs)]) if {
	verbs := [verb |
		some verb in ["get", "list", "watch"]
		rbac.role_grants(role, verb, "", "secrets")
	]
	count(verbs) > 0
} else := sprintf("create on %s in every namespace, so it can start a pod in kube-system with any account, host path or privilege", [concat(", ", kinds)]) if {
	kinds := [resource |
		some [group, resource] in workload_resources
		rbac.role_grants(role, "create", group, resource)
	]
	count(kinds) > 0
}

# workload_resources are the resources whose creation starts a pod: with
# create on any of them in every namespace, an account takes over the
# cluster (a pod in kube-system running as a controller's account, or
# privileged on a node).
workload_resources := [
	["", "pods"], ["apps", "deployments"], ["apps", "daemonsets"], ["apps", "statefulsets"],
	["apps", "replicasets"], ["batch", "jobs"], ["batch", "cronjobs"], ["", "replicationcontrollers"],
]

violation contains {"msg": msg, "details": {"field": pods.spec_field(["serviceAccountName"])}} if {
	some binding in inventory.cluster("rbac.authorization.k8s.io", "ClusterRoleBinding")
	binding.roleRef.kind == "ClusterRole"
	some subject in binding.subjects
	some id in identities
	matches(subject, id)

	# The role is judged only for a binding that reaches the pod: most
	# bindings do not, and judging a role reads every ClusterRole.
	reason := admin_rights(binding.roleRef.name)
	msg := sprintf("%s runs as %s, which ClusterRoleBinding %q binds to ClusterRole %q (%s): whoever runs code in its pods controls the cluster; give it a service account bound only to what it needs", [k8s.label, id.via, binding.metadata.name, binding.roleRef.name, reason])
}
