# METADATA
# title: A runtime threat detection agent runs on every node
# description: >-
#   Runtime detection (Microsoft Defender for Containers' sensor, or Falco)
#   must run as a DaemonSet that tolerates every taint, so no node, system
#   pools included, goes unwatched. Agents are recognized by image
#   (runtimeAgentImages: registry/repository prefixes). Absence is judged
#   once per scan that describes a cluster; an agent DaemonSet that does not
#   tolerate every taint is judged on the DaemonSet itself.
# custom:
#   id: SS-OPS-001
#   sync: [apps/v1/DaemonSet]
#   severity: medium
#   requirements: [RT-03]
#   frameworks:
#     mcsb: [LT-1, ES-1]
#     nsa-cisa: [Audit logging and threat detection]
#   kinds: [shipshape.dev/Cluster, apps/DaemonSet]
#   admission: false
#   remediation: Enable the Defender for Containers sensor (or deploy Falco) as a DaemonSet with a toleration {operator Exists}.
#   parameters:
#     type: object
#     properties:
#       runtimeAgentImages:
#         type: array
#         items: {type: string}
#         default: [docker.io/falcosecurity/falco, mcr.microsoft.com/azuredefender/, mcr.microsoft.com/oss/falcosecurity/]
package shipshape.ops.runtime_detection

import rego.v1

import data.lib.cluster
import data.lib.images
import data.lib.inventory
import data.lib.k8s

agents contains ds if {
	some ds in inventory.all("apps", "DaemonSet")
	is_agent_daemonset(ds)
}

is_agent_daemonset(ds) if {
	some list in ["containers", "initContainers"]
	some c in object.get(ds, ["spec", "template", "spec", list], [])
	is_agent(c.image)
}

is_agent(image) if {
	ref := images.parse(image)
	ref.valid
	some prefix in input.parameters.runtimeAgentImages
	startswith(concat("/", [ref.registry, ref.repository]), trim_suffix(prefix, "/"))
}

tolerates_all(ds) if {
	some t in object.get(ds, ["spec", "template", "spec", "tolerations"], [])
	k8s.get(t, "key", "") == ""
	t.operator == "Exists"
}

violation contains {"msg": msg, "details": {}} if {
	cluster.is_cluster
	count(agents) == 0
	msg := "no runtime threat detection agent (Defender for Containers sensor or Falco DaemonSet) is among the scanned objects; enable the Defender sensor or deploy Falco as a DaemonSet"
}

violation contains {"msg": msg, "details": {"field": ["spec", "template", "spec", "tolerations"]}} if {
	k8s.has_kind("apps", "DaemonSet")
	is_agent_daemonset(k8s.resource)
	not tolerates_all(k8s.resource)
	msg := sprintf("runtime detection %s does not tolerate every taint, so tainted nodes (system pools) go unwatched; add a toleration with operator Exists", [k8s.label])
}
