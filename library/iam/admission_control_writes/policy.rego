# METADATA
# title: Admission webhooks and policy objects are written only by approved roles
# description: >-
#   Whoever may write admission webhook configurations or admission
#   policies, or the policy engine's own objects (Gatekeeper templates,
#   constraints and config, Kyverno policies), can switch enforcement off or
#   send every object to their own webhook, which may rewrite it. A role that
#   grants create, update, patch, delete or deletecollection on them must be
#   in approvedRoles.
# custom:
#   id: SS-IAM-016
#   severity: high
#   requirements: [IAM-18]
#   frameworks:
#     mcsb: [PA-7]
#     nsa-cisa: [Authentication and authorization]
#     mitre: [T1562, T1078]
#   kinds: [rbac.authorization.k8s.io/Role, rbac.authorization.k8s.io/ClusterRole]
#   remediation: Keep these writes to the policy engine's own service account and a reviewed role listed in settings.approvedRoles; give everyone else get, list and watch.
#   parameters:
#     type: object
#     properties:
#       approvedRoles:
#         type: array
#         default: []
#         items: {type: object, properties: {kind: {type: string}, name: {type: string}, namespace: {type: string}}, required: [kind, name]}
package shipshape.iam.admission_control_writes

import rego.v1

import data.lib.rbac

writes := ["create", "update", "patch", "delete", "deletecollection"]

targets := [{"group": group, "resource": resource, "verbs": writes} |
	some [group, resource] in [
		["admissionregistration.k8s.io", "validatingwebhookconfigurations"],
		["admissionregistration.k8s.io", "mutatingwebhookconfigurations"],
		["admissionregistration.k8s.io", "validatingadmissionpolicies"],
		["admissionregistration.k8s.io", "validatingadmissionpolicybindings"],
		["admissionregistration.k8s.io", "mutatingadmissionpolicies"],
		["admissionregistration.k8s.io", "mutatingadmissionpolicybindings"],
		["templates.gatekeeper.sh", "constrainttemplates"],
		["constraints.gatekeeper.sh", "*"],
		["config.gatekeeper.sh", "configs"],
		["kyverno.io", "clusterpolicies"],
		["kyverno.io", "policies"],
	]
]

violation contains {"msg": msg, "details": {"field": rbac.rule_path(i)}} if {
	some [i, grants] in rbac.sensitive(targets, input.parameters.approvedRoles)
	msg := sprintf("%s rule %d grants %s, which can switch admission control off or intercept objects; remove it or grant it only through an approved role", [rbac.role_label, i, concat(", ", sort(grants))])
}
