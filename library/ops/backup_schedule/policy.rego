# METADATA
# title: Cluster objects and volumes are backed up on a schedule
# description: >-
#   A Velero Schedule must back up the cluster on a schedule, including
#   persistent volumes (volume snapshots or file-system backup). The AKS
#   Backup extension is judged from the cluster resource. Judged once per
#   scan that describes a cluster.
# custom:
#   id: SS-OPS-003
#   severity: medium
#   requirements: [HA-01]
#   frameworks:
#     mcsb: [BR-1]
#   kinds: [shipshape.dev/Cluster]
#   admission: false
#   remediation: Add a Velero Schedule (or enable AKS Backup) that includes persistent volumes.
package shipshape.ops.backup_schedule

import rego.v1

import data.lib.cluster
import data.lib.inventory

schedules := inventory.all("velero.io", "Schedule")

violation contains {"msg": msg, "details": {}} if {
	cluster.is_cluster
	count(schedules) == 0
	msg := "no Velero Schedule is among the scanned objects, so nothing backs up the cluster; add a Schedule (or enable AKS Backup)"
}

violation contains {"msg": msg, "details": {}} if {
	cluster.is_cluster
	some s in schedules
	template := object.get(s, ["spec", "template"], {})
	object.get(template, "snapshotVolumes", true) == false
	not object.get(template, "defaultVolumesToFsBackup", false) == true
	msg := sprintf("Velero Schedule %q in namespace %q backs up no persistent volumes (snapshotVolumes false, no file-system backup); enable one", [s.metadata.name, s.metadata.namespace])
}
