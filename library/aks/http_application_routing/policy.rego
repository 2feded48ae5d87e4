# METADATA
# title: AKS does not run the retired HTTP application routing add-on
# description: >-
#   The HTTP application routing add-on (addonProfiles.httpApplicationRouting)
#   deploys a public ingress controller and a public DNS zone whose records
#   anyone can reach, with no authentication, TLS or WAF in front; Microsoft
#   retired it (March 2025) and says it was never for production. Use the
#   application routing add-on (webAppRouting, ingress profile) or an ingress
#   controller you operate. PSRule for Azure checks the same
#   (Azure.AKS.HttpAppRouting).
# custom:
#   id: SS-AKS-025
#   severity: high
#   requirements: [NET-18]
#   frameworks:
#     mcsb: [NS-1]
#   kinds: [azure.shipshape.dev/ManagedCluster]
#   admission: false
#   remediation: Disable the add-on (az aks disable-addons --addons http_application_routing, or http_application_routing_enabled = false) and route with the application routing add-on (az aks approuting enable) or your own ingress controller.
package shipshape.aks.http_application_routing

import rego.v1

import data.lib.azure

# addon is the add-on's key as written: ARM and az spell it
# httpApplicationRouting, older exports httpapplicationrouting (lower-cased
# alike here).
addon := ["addonprofiles", "httpapplicationrouting", "enabled"]

violation contains {"msg": msg, "details": {"field": azure.field(addon)}} if {
	azure.is_cluster
	azure.is_true(azure.setting(addon, false))
	msg := sprintf("%s enables the retired HTTP application routing add-on, a public ingress and DNS zone with no authentication or TLS; disable it and use the application routing add-on or your own ingress controller", [azure.label])
}
