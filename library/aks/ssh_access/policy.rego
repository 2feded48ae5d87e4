# METADATA
# title: AKS nodes accept no SSH logins
# description: >-
#   A cluster with a linuxProfile SSH key lets whoever holds the key log in
#   to every node unless each pool disables SSH
#   (securityProfile.sshAccess: Disabled). Node access belongs to
#   `kubectl debug node/...`, which RBAC and the audit log cover.
# custom:
#   id: SS-AKS-010
#   severity: medium
#   requirements: [NODE-04]
#   frameworks:
#     mcsb: [PA-1]
#   kinds: [azure.shipshape.dev/ManagedCluster]
#   admission: false
#   remediation: Set securityProfile.sshAccess to Disabled on every node pool (az aks nodepool update --ssh-access disabled), or create the cluster without an SSH key.
package shipshape.aks.ssh_access

import rego.v1

import data.lib.azure

ssh_key if count(azure.setting(["linuxprofile"], {})) > 0

violation contains {"msg": msg, "details": {"field": azure.pool_field(p, ["securityprofile", "sshaccess"])}} if {
	ssh_key
	some p in azure.pools
	lower(object.get(p.value, ["securityprofile", "sshaccess"], "LocalUser")) != "disabled"
	msg := sprintf("%s accepts SSH with the cluster's linuxProfile key; set securityProfile.sshAccess to Disabled", [azure.pool_label(p)])
}
