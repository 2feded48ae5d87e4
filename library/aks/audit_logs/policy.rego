# METADATA
# title: AKS control-plane audit logs reach Log Analytics or a SIEM
# description: >-
#   A diagnostic setting on the cluster must send the audit log
#   (kube-audit or kube-audit-admin, or the audit or allLogs category group)
#   and the kube-apiserver log to a Log Analytics workspace, a storage
#   account or an event hub. Settings are matched to the cluster by their
#   scope or resource ID; include them in the scan.
# custom:
#   id: SS-AKS-019
#   sync: [azure.shipshape.dev/v1/ManagedCluster, azure.shipshape.dev/v1/DiagnosticSetting]
#   severity: high
#   requirements: [LOG-01]
#   frameworks:
#     cis-aks: ["2.1.1"]
#     mcsb: [LT-3, LT-4]
#   kinds: [azure.shipshape.dev/ManagedCluster]
#   admission: false
#   remediation: Add a diagnostic setting on the cluster with kube-audit-admin (or kube-audit) and kube-apiserver sent to a Log Analytics workspace.
package shipshape.aks.audit_logs

import rego.v1

import data.lib.azure

audit_categories := {"kube-audit", "kube-audit-admin", "audit", "alllogs"}

apiserver_categories := {"kube-apiserver", "alllogs"}

sent(categories) if {
	some d in azure.diagnostics
	azure.has_destination(d)
	some c in azure.logs_enabled(d)
	c in categories
}

violation contains {"msg": msg, "details": {"field": ["spec"]}} if {
	azure.is_cluster
	not sent(audit_categories)
	msg := sprintf("%s: no diagnostic setting in the scan sends its audit log (kube-audit-admin or kube-audit) to a workspace or SIEM; add one", [azure.label])
}

violation contains {"msg": msg, "details": {"field": ["spec"]}} if {
	azure.is_cluster
	not sent(apiserver_categories)
	msg := sprintf("%s: no diagnostic setting in the scan sends its kube-apiserver log to a workspace or SIEM; add it", [azure.label])
}
