# METADATA
# title: The registry enforces content trust and is scanned by Defender
# description: >-
#   The registry's trust policy must be enabled (policies.trustPolicy.status),
#   and Microsoft Defender for Containers, which scans registry images for
#   vulnerabilities, must be on for the subscription: a Microsoft.Security
#   pricing named Containers at the Standard tier in the scan.
# custom:
#   id: SS-ACR-003
#   sync: [azure.shipshape.dev/v1/ContainerRegistry, azure.shipshape.dev/v1/SecurityPricing]
#   severity: medium
#   requirements: [IMG-08]
#   frameworks:
#     mcsb: [DS-6, PV-5]
#   kinds: [azure.shipshape.dev/ContainerRegistry]
#   admission: false
#   remediation: Enable the trust policy (Premium SKU) and the Defender for Containers plan (Microsoft.Security/pricings Containers, Standard).
package shipshape.acr.content_trust

import rego.v1

import data.lib.azure

violation contains {"msg": msg, "details": {"field": azure.field(["policies", "trustpolicy", "status"])}} if {
	azure.is_registry
	lower(azure.setting(["policies", "trustpolicy", "status"], "disabled")) != "enabled"
	msg := sprintf("%s does not enforce content trust (trustPolicy.status is %s); enable it", [azure.label, azure.shown(["policies", "trustpolicy", "status"])])
}

defender if {
	some p in azure.related("SecurityPricing")
	lower(object.get(p.spec, "plan", p.metadata.name)) == "containers"
	lower(object.get(p.spec, "pricingtier", "")) == "standard"
}

violation contains {"msg": msg, "details": {"field": ["spec"]}} if {
	azure.is_registry
	not defender
	msg := sprintf("%s: the scan shows no Defender for Containers plan (pricing Containers, Standard) to scan its images; enable it for the subscription and include it in the scan", [azure.label])
}
