# METADATA
# title: AKS pulls from the registry with a managed identity holding AcrPull
# description: >-
#   The cluster must run with a managed identity (identity.type
#   SystemAssigned or UserAssigned, no service principal secret), and the
#   scan must show an AcrPull role assignment to its identity (a principal
#   that names the cluster, or, in the cluster's own template, plan or
#   module, the only cluster it can mean). Assignments to the kubelet
#   identity (principal naming identityProfile.kubeletidentity) must not
#   grant more than AcrPull.
# custom:
#   id: SS-AKS-022
#   sync: [azure.shipshape.dev/v1/ManagedCluster, azure.shipshape.dev/v1/RoleAssignment]
#   severity: medium
#   requirements: [IAM-15]
#   frameworks:
#     cis-aks: ["5.1.2"]
#     mcsb: [IM-3, PA-7]
#   kinds: [azure.shipshape.dev/ManagedCluster]
#   admission: false
#   remediation: Use a managed identity and attach the registry (az aks update --attach-acr), which assigns AcrPull to the kubelet identity; remove broader roles.
package shipshape.aks.registry_pull

import rego.v1

import data.lib.azure

acr_pull_id := "7f951dda-4ed3-4680-a7ca-43fe172d538d"

role(a) := "acrpull" if {
	contains(lower(object.get(a.spec, "roledefinitionid", "")), acr_pull_id)
} else := lower(a.spec.roledefinitionname) if {
	is_string(a.spec.roledefinitionname)
} else := sprintf("the role %s", [a.spec.roledefinitionid]) if {
	is_string(a.spec.roledefinitionid)
} else := "an unknown role"

acr_pull if {
	some a in azure.related("RoleAssignment")
	role(a) == "acrpull"
	grants_me(a)
}

violation contains {"msg": msg, "details": {"field": azure.field(["identity"])}} if {
	azure.is_cluster
	not lower(azure.setting(["identity", "type"], "none")) in {"systemassigned", "userassigned"}
	msg := azure.verdict(["identity", "type"], "identity.type", "uses a managed identity", sprintf("%s does not use a managed identity (identity.type is %s); a service principal secret must be rotated by hand", [azure.label, azure.shown(["identity", "type"])]))
}

violation contains {"msg": msg, "details": {"field": ["spec"]}} if {
	azure.is_cluster
	not acr_pull
	msg := sprintf("%s: the scan shows no AcrPull role assignment for pulling images; attach the registry with AcrPull", [azure.label])
}

violation contains {"msg": msg, "details": {"field": ["spec"]}} if {
	azure.is_cluster
	some a in azure.related("RoleAssignment")
	kubelet_identity(a)
	grants_me(a)
	role(a) != "acrpull"
	msg := sprintf("%s: its kubelet identity is granted %s (role assignment %q); grant AcrPull only", [azure.label, role(a), a.metadata.name])
}

# grants_me is true when a role assignment's principal is this cluster's
# identity: it names the cluster (its kubelet identity through reference()
# or a Terraform attribute), or it names nothing the scan can resolve and
# the cluster is the only one it can mean (azure.refers_to_me). An
# assignment in one template never clears a cluster of another.
grants_me(a) if azure.refers_to_me(a, lower(object.get(a.spec, "principalid", "")))

# kubelet_identity is true when an assignment's principal is a kubelet
# identity: ARM's identityProfile.kubeletidentity, Terraform's
# kubelet_identity[0].object_id.
kubelet_identity(a) if contains(lower(a.spec.principalid), "kubeletidentity")

kubelet_identity(a) if contains(lower(a.spec.principalid), "kubelet_identity")
