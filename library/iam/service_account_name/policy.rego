# METADATA
# title: Workloads run as a dedicated ServiceAccount
# description: >-
#   A pod that names no service account (or names "default") runs as the
#   namespace's default ServiceAccount and shares its identity and
#   permissions with every other such pod. Set serviceAccountName.
# custom:
#   id: SS-IAM-010
#   severity: medium
#   requirements: [IAM-11]
#   frameworks:
#     cis-k8s: ["5.1.5"]
#     cis-aks: ["4.1.5"]
#     mcsb: [IM-3]
#     nsa-cisa: [Authentication and authorization]
#   kinds: [workloads]
#   remediation: Create a ServiceAccount for the workload and set spec.serviceAccountName to it.
package shipshape.iam.service_account_name

import rego.v1

import data.lib.k8s
import data.lib.pods

violation contains {"msg": msg, "details": {"field": pods.spec_field(["serviceAccountName"])}} if {
	pods.spec
	not pods.control_plane_static_pod
	pods.service_account == "default"
	msg := sprintf("%s runs as the default ServiceAccount; set %s to a dedicated ServiceAccount", [k8s.label, k8s.path_string(pods.spec_field(["serviceAccountName"]))])
}
