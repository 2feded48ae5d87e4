# METADATA
# title: Registry login and repository events are collected
# description: >-
#   A diagnostic setting on the registry must send ContainerRegistryLoginEvents
#   and ContainerRegistryRepositoryEvents (or the audit or allLogs category
#   group) to a workspace, a storage account or an event hub, so pulls,
#   pushes and logins can be investigated.
# custom:
#   id: SS-ACR-005
#   sync: [azure.shipshape.dev/v1/ContainerRegistry, azure.shipshape.dev/v1/DiagnosticSetting]
#   severity: medium
#   requirements: [LOG-03]
#   frameworks:
#     mcsb: [LT-3]
#   kinds: [azure.shipshape.dev/ContainerRegistry]
#   admission: false
#   remediation: Add a diagnostic setting on the registry with ContainerRegistryLoginEvents and ContainerRegistryRepositoryEvents sent to Log Analytics.
package shipshape.acr.access_logs

import rego.v1

import data.lib.azure

needed := {
	"login": {"containerregistryloginevents", "audit", "alllogs"},
	"repository": {"containerregistryrepositoryevents", "audit", "alllogs"},
}

sent(categories) if {
	some d in azure.diagnostics
	azure.has_destination(d)
	some c in azure.logs_enabled(d)
	c in categories
}

violation contains {"msg": msg, "details": {"field": ["spec"]}} if {
	azure.is_registry
	some kind, categories in needed
	not sent(categories)
	msg := sprintf("%s: no diagnostic setting in the scan collects its %s events; send ContainerRegistry%sEvents to a workspace", [azure.label, kind, upper_first(kind)])
}

upper_first(s) := concat("", [upper(substring(s, 0, 1)), substring(s, 1, -1)])
