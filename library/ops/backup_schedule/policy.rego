# METADATA
# title: Cluster objects and volumes are backed up on a schedule
# description: >-
#   A Velero Schedule must back up the cluster on a schedule, including
#   persistent volumes (volume snapshots or file-system backup). Absence is
#   judged once per scan that describes a cluster, a Schedule that skips
#   volumes on the Schedule itself. The AKS Backup extension is judged from
#   the cluster resource.
# custom:
#   id: SS-OPS-003
#   sync: [velero.io/v1/Schedule]
#   severity: medium
#   requirements: [HA-01]
#   frameworks:
#     mcsb: [BR-1]
#   kinds: [shipshape.dev/Cluster, velero.io/Schedule]
#   admission: false
#   remediation: Add a Velero Schedule (or enable AKS Backup) that includes persistent volumes.
package shipshape.ops.backup_schedule

import rego.v1

import data.lib.cluster
import data.lib.inventory
import data.lib.k8s

schedules := inventory.all("velero.io", "Schedule")

violation contains {"msg": msg, "details": {}} if {
	cluster.is_cluster
	count(schedules) == 0
	msg := "no Velero Schedule is among the scanned objects, so nothing backs up the cluster; add a Schedule (or enable AKS Backup)"
}

violation contains {"msg": msg, "details": {"field": ["spec", "template", "snapshotVolumes"]}} if {
	k8s.has_kind("velero.io", "Schedule")
	template := object.get(k8s.resource, ["spec", "template"], {})
	object.get(template, "snapshotVolumes", true) == false
	not object.get(template, "defaultVolumesToFsBackup", false) == true
	msg := sprintf("Velero %s backs up no persistent volumes (snapshotVolumes false, no file-system backup); enable one", [k8s.label])
}
