# METADATA
# title: AKS runs a supported Kubernetes version
# description: >-
#   AKS supports the three newest minor versions; older clusters get no
#   security fixes. kubernetesVersion must be at least minimumVersion
#   (major.minor; set it as AKS retires versions). A cluster whose version
#   is not stated is reported, as it cannot be shown to be supported. Each
#   node pool's orchestratorVersion, which may lag the control plane's, is
#   held to the same minimum. AKS runs containerd on every supported version.
# custom:
#   id: SS-AKS-017
#   severity: medium
#   requirements: [NODE-05]
#   frameworks:
#     cis-aks: ["5.5.2"]
#     mcsb: [PV-6]
#   kinds: [azure.shipshape.dev/ManagedCluster]
#   admission: false
#   parameters:
#     type: object
#     properties:
#       minimumVersion: {type: string, default: "1.31"}
#   remediation: Upgrade the cluster (az aks upgrade) to a supported minor version and keep an upgrade channel on.
package shipshape.aks.kubernetes_version

import rego.v1

import data.lib.azure

# minor turns "1.30.4", "1.30" or "v1.30" into [1, 30]; it is undefined for
# a version without a minor (parts[1]) or with a part that is not a number.
minor(v) := [to_number(parts[0]), to_number(parts[1])] if {
	parts := split(trim_prefix(v, "v"), ".")
}

version := azure.setting(["kubernetesversion"], "")

violation contains {"msg": msg, "details": {"field": azure.field(["kubernetesversion"])}} if {
	azure.is_cluster
	not minor(version)
	msg := azure.verdict(["kubernetesversion"], "kubernetesVersion", "runs a supported Kubernetes version", sprintf("%s does not state a Kubernetes version (kubernetesVersion is %s); pin a supported one", [azure.label, azure.shown(["kubernetesversion"])]))
}

violation contains {"msg": msg, "details": {"field": azure.field(["kubernetesversion"])}} if {
	azure.is_cluster
	minor(version) < minor(input.parameters.minimumVersion)
	msg := sprintf("%s runs Kubernetes %s, older than the oldest supported %s; upgrade", [azure.label, version, input.parameters.minimumVersion])
}

# A node pool may run an older version than the control plane (pools are
# upgraded on their own), and its kubelet then gets no security fixes.
violation contains {"msg": msg, "details": {"field": azure.pool_field(p, ["orchestratorversion"])}} if {
	some p in azure.pools
	pool_version := p.value.orchestratorversion
	minor(pool_version) < minor(input.parameters.minimumVersion)
	msg := sprintf("%s runs Kubernetes %s, older than the oldest supported %s; upgrade the pool (az aks nodepool upgrade)", [azure.pool_label(p), pool_version, input.parameters.minimumVersion])
}
