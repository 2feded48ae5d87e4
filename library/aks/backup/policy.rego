# METADATA
# title: AKS workloads and volumes are backed up
# description: >-
#   The cluster needs the AKS Backup extension
#   (microsoft.dataprotection.kubernetes) in the scan, or Velero running in
#   it with a backup Schedule among the scanned objects, so cluster objects
#   and persistent volumes can be restored.
# custom:
#   id: SS-AKS-020
#   sync: [azure.shipshape.dev/v1/ManagedCluster, azure.shipshape.dev/v1/ClusterExtension, velero.io/v1/Schedule]
#   severity: medium
#   requirements: [HA-01]
#   frameworks:
#     mcsb: [BR-1, BR-2]
#   kinds: [azure.shipshape.dev/ManagedCluster]
#   admission: false
#   remediation: Install the AKS Backup extension with a backup policy (az k8s-extension create --extension-type microsoft.dataprotection.kubernetes), or schedule Velero backups.
package shipshape.aks.backup

import rego.v1

import data.lib.azure
import data.lib.inventory

backup_extension if {
	some e in azure.related("ClusterExtension")
	lower(object.get(e.spec, "extensiontype", "")) == "microsoft.dataprotection.kubernetes"
	azure.refers_to_me(e, lower(object.get(e.spec, "target", "")))
}

velero if count(inventory.all("velero.io", "Schedule")) > 0

violation contains {"msg": msg, "details": {"field": ["spec"]}} if {
	azure.is_cluster
	not backup_extension
	not velero
	msg := sprintf("%s: the scan shows no AKS Backup extension for it and no Velero Schedule; back up cluster objects and volumes on a schedule", [azure.label])
}
