# METADATA
# title: The container registry is private
# description: >-
#   The registry must not be reachable from the internet:
#   publicNetworkAccess Disabled, network rules that deny by default, and a
#   private endpoint (listed on the registry, or a private endpoint in the
#   scan that connects to it).
# custom:
#   id: SS-ACR-001
#   sync: [azure.shipshape.dev/v1/ContainerRegistry, azure.shipshape.dev/v1/PrivateEndpoint]
#   severity: high
#   requirements: [IMG-07]
#   frameworks:
#     cis-aks: ["5.1.3"]
#     mcsb: [NS-2]
#   kinds: [azure.shipshape.dev/ContainerRegistry]
#   admission: false
#   remediation: Set publicNetworkAccess to Disabled and networkRuleSet.defaultAction to Deny, and reach the registry through a private endpoint (Premium SKU).
package shipshape.acr.private_registry

import rego.v1

import data.lib.azure

violation contains {"msg": msg, "details": {"field": azure.field(["publicnetworkaccess"])}} if {
	azure.is_registry
	lower(azure.setting(["publicnetworkaccess"], "Enabled")) != "disabled"
	msg := azure.verdict(["publicnetworkaccess"], "publicNetworkAccess", "allows public network access", sprintf("%s allows public network access (publicNetworkAccess is %s); set it to Disabled", [azure.label, azure.shown(["publicnetworkaccess"])]))
}

violation contains {"msg": msg, "details": {"field": azure.field(["networkruleset", "defaultaction"])}} if {
	azure.is_registry
	lower(azure.setting(["networkruleset", "defaultaction"], "Allow")) != "deny"
	msg := azure.verdict(["networkruleset", "defaultaction"], "networkRuleSet.defaultAction", "allows network access by default", sprintf("%s network rules allow by default (defaultAction is %s); set it to Deny", [azure.label, azure.shown(["networkruleset", "defaultaction"])]))
}

violation contains {"msg": msg, "details": {"field": azure.field(["privateendpointconnections"])}} if {
	azure.is_registry
	count(azure.setting(["privateendpointconnections"], [])) == 0
	not endpoint_in_scan
	msg := sprintf("%s has no private endpoint; connect one so clusters pull over the private network", [azure.label])
}

endpoint_in_scan if {
	some pe in azure.related("PrivateEndpoint")
	some conn in object.get(pe.spec, "privatelinkserviceconnections", [])
	"registry" in object.get(conn, ["properties", "groupids"], [])
	azure.refers_to_me(pe, lower(object.get(conn, ["properties", "privatelinkserviceid"], "")))
}
