# METADATA
# title: AKS runs a supported Kubernetes version
# description: >-
#   AKS supports the three newest minor versions; older clusters get no
#   security fixes. kubernetesVersion must be at least minimumVersion
#   (major.minor; set it as AKS retires versions). A cluster whose version
#   is not stated is reported, as it cannot be shown to be supported. AKS
#   runs containerd on every supported version.
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
	msg := sprintf("%s does not state a Kubernetes version (kubernetesVersion is %s); pin a supported one", [azure.label, azure.shown(["kubernetesversion"])])
}

violation contains {"msg": msg, "details": {"field": azure.field(["kubernetesversion"])}} if {
	azure.is_cluster
	minor(version) < minor(input.parameters.minimumVersion)
	msg := sprintf("%s runs Kubernetes %s, older than the oldest supported %s; upgrade", [azure.label, version, input.parameters.minimumVersion])
}
