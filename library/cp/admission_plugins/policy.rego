# METADATA
# title: The API server runs the admission plugins that confine nodes, namespaces and events
# description: >-
#   NodeRestriction keeps a kubelet to its own Node and Pods (off unless
#   enabled); NamespaceLifecycle stops objects in terminating or missing
#   namespaces, and ServiceAccount gives pods their accounts (both on unless
#   disabled); AlwaysAdmit admits everything; EventRateLimit, configured
#   through --admission-control-config-file, keeps an event flood from
#   exhausting the API server and etcd.
# custom:
#   id: SS-CP-008
#   severity: high
#   requirements: [NODE-07]
#   frameworks:
#     cis-k8s: ["1.2.9", "1.2.10", "1.2.12", "1.2.13", "1.2.14"]
#     mcsb: [PV-2]
#   kinds: [Pod]
#   admission: false
#   remediation: Set --enable-admission-plugins=NodeRestriction,EventRateLimit (with an EventRateLimit configuration in --admission-control-config-file), never list AlwaysAdmit, and keep NamespaceLifecycle and ServiceAccount out of --disable-admission-plugins.
package shipshape.cp.admission_plugins

import rego.v1

import data.lib.apiserver
import data.lib.pods

# applies: only the kube-apiserver Pod is this control's to judge.
applies if count(apiserver.containers) > 0

# enabled lists the plugins turned on (the deprecated --admission-control
# still works as an enable list).
enabled(c) := {p | some p in array.concat(apiserver.list(c, "enable-admission-plugins"), apiserver.list(c, "admission-control"))}

disabled(c) := {p | some p in apiserver.list(c, "disable-admission-plugins")}

enable_field(c) := apiserver.flag_field(c, "enable-admission-plugins")

violation contains {"msg": msg, "details": {"field": enable_field(c)}} if {
	some c in apiserver.containers
	not "NodeRestriction" in enabled(c)
	msg := sprintf("%s does not enable the NodeRestriction admission plugin, so a kubelet's credentials can change other nodes and their pods; add it to --enable-admission-plugins", [pods.label(c)])
}

violation contains {"msg": msg, "details": {"field": enable_field(c)}} if {
	some c in apiserver.containers
	not "EventRateLimit" in enabled(c)
	msg := sprintf("%s does not enable the EventRateLimit admission plugin, so an event flood can exhaust the API server and etcd; add it to --enable-admission-plugins with limits in --admission-control-config-file", [pods.label(c)])
}

violation contains {"msg": msg, "details": {"field": enable_field(c)}} if {
	some c in apiserver.containers
	"EventRateLimit" in enabled(c)
	not apiserver.has(c, "admission-control-config-file")
	msg := sprintf("%s enables EventRateLimit without --admission-control-config-file, which the plugin needs for its limits; the API server will not start", [pods.label(c)])
}

violation contains {"msg": msg, "details": {"field": enable_field(c)}} if {
	some c in apiserver.containers
	"AlwaysAdmit" in enabled(c)
	msg := sprintf("%s enables the AlwaysAdmit admission plugin, which admits every request; remove it", [pods.label(c)])
}

violation contains {"msg": msg, "details": {"field": apiserver.field(c, "disable-admission-plugins")}} if {
	some c in apiserver.containers
	some plugin in ["NamespaceLifecycle", "ServiceAccount"]
	plugin in disabled(c)
	msg := sprintf("%s disables the %s admission plugin in --disable-admission-plugins; remove it from the list", [pods.label(c), plugin])
}
