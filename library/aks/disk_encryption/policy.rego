# METADATA
# title: AKS node disks are encrypted with a customer-managed key or at host
# description: >-
#   By default an AKS node's OS and data disks are encrypted at rest with
#   platform-managed keys only, and its temporary disk and disk caches not
#   at all. A disk encryption set (diskEncryptionSetID) puts the disks under
#   a Key Vault key you control and can revoke; encryption at host
#   (enableEncryptionAtHost) also covers the temporary disk and caches. One
#   of them must hold for every node pool.
# custom:
#   id: SS-AKS-024
#   severity: medium
#   requirements: [SEC-06]
#   frameworks:
#     mcsb: [DP-5]
#   kinds: [azure.shipshape.dev/ManagedCluster]
#   admission: false
#   remediation: Create the cluster with a disk encryption set (--node-osdisk-diskencryptionset-id, disk_encryption_set_id), or turn on encryption at host for each node pool (--enable-encryption-at-host, host_encryption_enabled).
package shipshape.aks.disk_encryption

import rego.v1

import data.lib.azure

# customer_key: a disk encryption set covers every pool's disks.
customer_key if {
	id := azure.setting(["diskencryptionsetid"], "")
	trim_space(id) != ""
	not regex.match(`^\[.*\]$`, trim_space(id))
}

# pool_setting shows a pool's enableEncryptionAtHost for messages.
# (The normaliser drops nulls, so an absent value is the only unset one.)
pool_setting(p) := json.marshal(v) if {
	v := p.value.enableencryptionathost
} else := "unset"

violation contains {"msg": msg, "details": {"field": azure.pool_field(p, ["enableencryptionathost"])}} if {
	not customer_key
	some p in azure.pools
	not azure.is_true(object.get(p.value, "enableencryptionathost", false))
	msg := azure.verdict_of(azure.pool_label(p), ["diskencryptionsetid"], "diskEncryptionSetID", "encrypts its disks with a customer-managed key", sprintf("%s keeps its disks under platform-managed keys only and its temporary disk unencrypted (diskEncryptionSetID is %s, enableEncryptionAtHost is %s); set a disk encryption set ID or enableEncryptionAtHost to true", [azure.pool_label(p), azure.shown(["diskencryptionsetid"]), pool_setting(p)]))
}

violation contains {"msg": msg, "details": {"field": azure.field(["diskencryptionsetid"])}} if {
	not customer_key
	count(azure.pools) == 0
	msg := azure.verdict(["diskencryptionsetid"], "diskEncryptionSetID", "encrypts its disks with a customer-managed key", sprintf("%s names no disk encryption set (diskEncryptionSetID is %s) and no node pool that encrypts at host; set diskEncryptionSetID, or enableEncryptionAtHost on each pool", [azure.label, azure.shown(["diskencryptionsetid"])]))
}
