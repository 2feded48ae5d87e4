# METADATA
# title: The AKS API server is not open to the internet
# description: >-
#   The API server must be private (apiServerAccessProfile.enablePrivateCluster)
#   or limited to authorized IP ranges, none of which may cover the whole
#   internet (0.0.0.0/0, ::/0, or a /0 to /7 prefix that spans most of it).
# custom:
#   id: SS-AKS-005
#   severity: high
#   requirements: [NET-01]
#   frameworks:
#     cis-aks: ["5.4.1", "5.4.2"]
#     mcsb: [NS-2]
#   kinds: [azure.shipshape.dev/ManagedCluster]
#   admission: false
#   remediation: Make the cluster private, or set apiServerAccessProfile.authorizedIPRanges to your egress ranges only.
package shipshape.aks.api_server_access

import rego.v1

import data.lib.azure

ranges_path := ["apiserveraccessprofile", "authorizedipranges"]

ranges := [r | some r in azure.setting(ranges_path, [])]

private if azure.enabled(["apiserveraccessprofile", "enableprivatecluster"])

violation contains {"msg": msg, "details": {"field": azure.field(["apiserveraccessprofile"])}} if {
	azure.is_cluster
	not private
	count(ranges) == 0
	msg := sprintf("%s has a public API server with no authorized IP ranges; make the cluster private or list authorizedIPRanges", [azure.label])
}

violation contains {"msg": msg, "details": {"field": azure.field(array.concat(ranges_path, [i]))}} if {
	azure.is_cluster
	not private
	some i, r in ranges
	too_wide(r)
	msg := sprintf("%s authorizes %s, which opens the API server to most of the internet; list only your egress ranges", [azure.label, json.marshal(r)])
}

too_wide(r) if {
	is_string(r)
	parts := split(trim_space(r), "/")
	count(parts) == 2
	to_number(parts[1]) < 8
}
