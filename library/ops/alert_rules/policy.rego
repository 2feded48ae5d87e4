# METADATA
# title: Alert rules cover exhaustion, crashes, node failures and denied access
# description: >-
#   PrometheusRule alerts (Azure Managed Prometheus or the Prometheus
#   operator) must cover resource exhaustion, OOM kills and restarts, node
#   failures and unauthorized access. Each category is recognized by the
#   metrics or alert names its rules use (categories: name to regular
#   expression); one finding per uncovered category. Judged once per scan
#   that describes a cluster.
# custom:
#   id: SS-OPS-002
#   sync: [monitoring.coreos.com/v1/PrometheusRule]
#   severity: low
#   requirements: [LOG-05]
#   frameworks:
#     mcsb: [LT-1, LT-5]
#     nsa-cisa: [Audit logging and threat detection]
#   kinds: [shipshape.dev/Cluster]
#   admission: false
#   remediation: Add PrometheusRule alerts for the missing category (the kube-prometheus or Azure recommended alert rules cover all four).
#   parameters:
#     type: object
#     properties:
#       categories:
#         type: object
#         additionalProperties: {type: string}
#         default:
#           resource exhaustion: (?i)(container_memory_working_set_bytes|container_cpu_cfs_throttled|kube_resourcequota|node_filesystem_avail|node_memory_MemAvailable|KubeCPUOvercommit|KubeMemoryOvercommit|CPUThrottlingHigh|KubeQuotaExceeded|NodeFilesystemSpaceFillingUp)
#           OOM kills and restarts: (?i)(kube_pod_container_status_restarts_total|OOMKilled|kube_pod_container_status_last_terminated_reason|container_oom_events_total|KubePodCrashLooping)
#           node failures: (?i)(kube_node_status_condition|KubeNodeNotReady|KubeNodeUnreachable|NodeNotReady)
#           unauthorized access: (?i)(apiserver_request_total[^\n]*code=~?"?[^"]*40[13]|Unauthorized|Forbidden)
package shipshape.ops.alert_rules

import rego.v1

import data.lib.cluster
import data.lib.inventory

rule_texts contains text if {
	some pr in inventory.all("monitoring.coreos.com", "PrometheusRule")
	some group in object.get(pr, ["spec", "groups"], [])
	some rule in object.get(group, "rules", [])
	text := concat("\n", [object.get(rule, "alert", ""), object.get(rule, "record", ""), sprintf("%v", [object.get(rule, "expr", "")])])
}

violation contains {"msg": msg, "details": {}} if {
	cluster.is_cluster
	some category, pattern in input.parameters.categories
	not covered(pattern)
	msg := sprintf("no alert rule covers %s among the scanned PrometheusRules; add one", [category])
}

covered(pattern) if {
	some text in rule_texts
	regex.match(pattern, text)
}
