# METADATA
# title: Pods do not rewrite /etc/hosts with hostAliases
# description: >-
#   spec.hostAliases writes entries into every container's /etc/hosts, so a
#   manifest can send a name the workload trusts (a registry, an API, a
#   metadata endpoint) to another address without touching DNS, where no
#   DNS policy or log sees it. Names belong in DNS.
# custom:
#   id: SS-POD-011
#   severity: low
#   requirements: [POD-17]
#   frameworks:
#     mitre: ["T1565"]
#   kinds: [workloads]
#   remediation: Remove spec.hostAliases and publish the names in DNS (a Service, an ExternalName Service or a private DNS zone).
package shipshape.pod.host_aliases

import rego.v1

import data.lib.k8s
import data.lib.pods

# entries are the names hostAliases maps, as "name→ip".
entries := [sprintf("%v→%v", [name, k8s.get(alias, "ip", "?")]) |
	some alias in pods.spec.hostAliases
	some name in k8s.get(alias, "hostnames", [])
]

violation contains {"msg": msg, "details": {"field": field}} if {
	aliases := pods.spec.hostAliases
	is_array(aliases)
	count(aliases) > 0
	field := pods.spec_field(["hostAliases"])
	msg := sprintf("%s rewrites /etc/hosts with %s (%s); remove it and publish the names in DNS", [k8s.label, describe, k8s.path_string(field)])
}

describe := concat(", ", entries) if {
	count(entries) > 0
} else := "entries without hostnames"
