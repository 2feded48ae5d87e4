# METADATA
# title: The registry's images are scanned by Defender for Containers
# description: >-
#   Microsoft Defender for Containers, which scans registry images for
#   vulnerabilities, must be on for the subscription: a Microsoft.Security
#   pricing named Containers at the Standard tier in the scan. Docker Content
#   Trust (the registry's trustPolicy) is not demanded: Azure has deprecated
#   it, it does not work with a customer-managed key, and its signatures are
#   checked by no admission controller. Sign images with the Notary Project
#   (notation) or cosign and verify them at admission instead, which
#   SS-IMG-004 checks.
# custom:
#   id: SS-ACR-003
#   sync: [azure.shipshape.dev/v1/ContainerRegistry, azure.shipshape.dev/v1/SecurityPricing]
#   severity: medium
#   requirements: [IMG-08]
#   frameworks:
#     mcsb: [DS-6, PV-5]
#   kinds: [azure.shipshape.dev/ContainerRegistry]
#   admission: false
#   remediation: Enable the Defender for Containers plan (Microsoft.Security/pricings Containers, Standard); sign images with notation or cosign and verify them at admission (SS-IMG-004) rather than enabling the deprecated content trust.
package shipshape.acr.content_trust

import rego.v1

import data.lib.azure

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
