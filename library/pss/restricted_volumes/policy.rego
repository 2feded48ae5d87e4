# METADATA
# title: Only restricted volume types are used
# description: >-
#   Pod Security Standards, Restricted, "Volume Types": inline volumes may only
#   be configMap, csi, downwardAPI, emptyDir, ephemeral, image,
#   persistentVolumeClaim, projected or secret. Node-backed and network
#   volumes (hostPath, nfs, iscsi, ...) are forbidden. A volume that names no
#   source at all is allowed: the API server defaults it to emptyDir before
#   admission, as upstream's fixtures expect.
# custom:
#   id: SS-PSS-101
#   severity: medium
#   requirements: [POD-02, POD-06]
#   frameworks:
#     pss: restricted
#     cis-k8s: ["5.2.12"]
#     mcsb: [PV-2]
#     nsa-cisa: [Kubernetes Pod security]
#     mitre: [T1611]
#   kinds: [workloads]
#   remediation: Use a PersistentVolumeClaim (backed by a StorageClass) or one of the allowed inline volume types instead.
package shipshape.pss.restricted_volumes

import rego.v1

import data.lib.k8s
import data.lib.pods

allowed_sources := {
	"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image",
	"persistentVolumeClaim", "projected", "secret",
}

# known_sources lists the restricted volume sources in the order upstream
# names them.
known_sources := [
	"hostPath", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "nfs", "iscsi",
	"glusterfs", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "fc", "azureFile",
	"vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "portworxVolume",
	"scaleIO", "storageos",
]

violation contains {"msg": msg, "details": {"field": field}} if {
	some i, volume in pods.spec.volumes
	sources := volume_sources(volume)
	count(sources) > 0
	not uses_allowed_source(sources)
	source := source_name(sources)
	field := pods.spec_field(["volumes", i, source])
	msg := sprintf("%s uses volume %q of restricted type %s; use configMap, secret, emptyDir, projected, downwardAPI, csi, ephemeral, image or persistentVolumeClaim", [k8s.label, k8s.get(volume, "name", ""), source])
}

# volume_sources are the fields of a volume that name a source.
volume_sources(volume) := {key | some key, value in volume; key != "name"; value != null}

uses_allowed_source(sources) if {
	some source in sources
	source in allowed_sources
}

# source_name names the restricted source: the first upstream knows, else
# the unknown field itself.
source_name(sources) := [s | some s in known_sources; s in sources][0]

source_name(sources) := sort(sources)[0] if {
	not any_known(sources)
}

any_known(sources) if {
	some s in known_sources
	s in sources
}
