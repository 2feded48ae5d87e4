# METADATA
# title: Aggregated edit and admin roles do not write Endpoints
# description: >-
#   Whoever holds edit or admin in a namespace could write Endpoints and
#   EndpointSlices and point a Service at any IP, the cluster's own
#   components included (CVE-2021-25740). Kubernetes removed that write from
#   the built-in roles in 1.22; a ClusterRole that aggregates into edit or
#   admin (label rbac.authorization.k8s.io/aggregate-to-edit or
#   aggregate-to-admin "true") must not give it back.
# custom:
#   id: SS-IAM-019
#   severity: medium
#   requirements: [IAM-21]
#   frameworks:
#     mitre: ["T1557", "T1078"]
#   kinds: [rbac.authorization.k8s.io/ClusterRole]
#   remediation: Remove the create, update, patch and delete verbs on endpoints and endpointslices from the aggregated role; grant them in a separate role to the few controllers that manage endpoints.
package shipshape.iam.endpoint_edit

import rego.v1

import data.lib.k8s
import data.lib.rbac

writes := ["create", "update", "patch", "delete", "deletecollection"]

targets := [
	{"group": "", "resource": "endpoints", "verbs": writes},
	{"group": "discovery.k8s.io", "resource": "endpointslices", "verbs": writes},
]

violation contains {"msg": msg, "details": {"field": rbac.rule_path(i)}} if {
	some role in aggregates_into
	some [i, rule] in rbac.rules
	grants := rbac.granted(rule, targets)
	count(grants) > 0
	msg := sprintf("%s aggregates into %s, and its rule %d grants %s, so every %s holder can redirect Services (CVE-2021-25740); remove the write", [rbac.role_label, role, i, concat(", ", sort(grants)), role])
}

# aggregates_into holds the built-in roles this ClusterRole extends.
aggregates_into contains role if {
	some role in ["edit", "admin"]
	k8s.labels[concat("", ["rbac.authorization.k8s.io/aggregate-to-", role])] == "true"
}
