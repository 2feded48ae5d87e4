# METADATA
# title: Workload ID pods use a ServiceAccount with a client ID
# description: >-
#   A pod labelled azure.workload.identity/use: "true" gets federated Azure
#   tokens for the identity named by its ServiceAccount's
#   azure.workload.identity/client-id annotation. Without that ServiceAccount
#   (in the inventory) and annotation, the pod has no Azure identity, or
#   falls back to other credentials.
# custom:
#   id: SS-IAM-013
#   severity: medium
#   requirements: [IAM-13]
#   frameworks:
#     mcsb: [IM-3]
#   kinds: [workloads]
#   sync: [v1/ServiceAccount]
#   remediation: Create the pod's ServiceAccount with the azure.workload.identity/client-id annotation set to the managed identity's client ID.
package shipshape.iam.workload_identity

import rego.v1

import data.lib.inventory
import data.lib.k8s
import data.lib.pods

client_id_annotation := "azure.workload.identity/client-id"

violation contains {"msg": msg, "details": {"field": pods.spec_field(["serviceAccountName"])}} if {
	pods.labels["azure.workload.identity/use"] == "true"
	some problem in problems
	msg := sprintf("%s uses Workload ID but %s; add the ServiceAccount with the %s annotation", [k8s.label, problem, client_id_annotation])
}

accounts := [a | some a in inventory.namespaced(k8s.namespace, "", "ServiceAccount"); a.metadata.name == pods.service_account]

problems contains sprintf("its ServiceAccount %q is not in the scanned objects", [pods.service_account]) if count(accounts) == 0

problems contains sprintf("its ServiceAccount %q has no %s annotation", [pods.service_account, client_id_annotation]) if {
	some account in accounts
	k8s.get(k8s.get(account.metadata, "annotations", {}), client_id_annotation, "") == ""
}
