# METADATA
# title: Updates do not change a workload's service account
# description: >-
#   Whoever may update a Deployment but not create RoleBindings can still
#   take a more powerful account's rights by pointing the pod template at
#   that account: the new pods run with its token. An update may change a
#   workload's image or replicas, but not its serviceAccountName; a new
#   account means a new workload, reviewed as one. This judges the change,
#   so only admission (which sees the old object) enforces it.
# custom:
#   id: SS-IAM-022
#   severity: high
#   requirements: [IAM-23]
#   frameworks:
#     mitre: ["T1098"]
#   kinds: [workloads]
#   operations: [UPDATE]
#   remediation: Keep spec.template.spec.serviceAccountName as it was; to run under another account, create a new workload (or delete and recreate this one) so the change is reviewed.
package shipshape.iam.service_account_updates

import rego.v1

import data.lib.k8s
import data.lib.pods

# old_account is the account before the change (the review of a creation
# has no old object).
old_account := pods.account(object.get(input.review.oldObject, pods.spec_path, {}))

violation contains {"msg": msg, "details": {"field": pods.spec_field(["serviceAccountName"])}} if {
	input.review.operation == "UPDATE"
	pods.service_account != old_account
	msg := sprintf("%s changes its service account from %q to %q on update, so its pods would run with another account's rights; keep %q, or create a new workload for the new account", [k8s.label, old_account, pods.service_account, old_account])
}
