# METADATA
# title: Ingress hosts are named, not wildcards, and claimed once
# description: >-
#   An Ingress rule without a host, or with a wildcard host, takes traffic
#   for names nobody listed, and can capture another team's hosts on a
#   shared ingress controller. Two Ingresses of the same ingress class that
#   claim one host race for it: the controller routes the host by whichever
#   it read last, so one team can take over another's traffic. Every rule
#   names a host without "*", and no other Ingress of the same class, in
#   any namespace, claims it.
# custom:
#   id: SS-NET-010
#   severity: medium
#   requirements: [NET-15]
#   frameworks:
#     mitre: ["T1557"]
#   kinds: [networking.k8s.io/Ingress]
#   sync: [networking.k8s.io/v1/Ingress]
#   remediation: Name each host in full in spec.rules[].host, and serve a host from one Ingress (merge the paths of two Ingresses into one, or give them different hosts).
package shipshape.net.ingress_hosts

import rego.v1

import data.lib.inventory
import data.lib.k8s

rules := k8s.get(k8s.get(k8s.resource, "spec", {}), "rules", [])

violation contains {"msg": msg, "details": {"field": ["spec", "rules", i]}} if {
	some i, rule in rules
	k8s.get(rule, "host", "") == ""
	msg := sprintf("%s rule %d names no host, so it serves every host name the controller receives; set spec.rules[%d].host", [k8s.label, i, i])
}

violation contains {"msg": msg, "details": {"field": ["spec", "rules", i, "host"]}} if {
	some i, rule in rules
	host := rule.host
	contains(host, "*")
	msg := sprintf("%s rule %d serves the wildcard host %q; name each host in full", [k8s.label, i, host])
}

violation contains {"msg": msg, "details": {"field": ["spec", "rules", i, "host"]}} if {
	some i, rule in rules
	host := lower(rule.host)
	host != ""
	some other in others
	some other_rule in other.spec.rules
	lower(other_rule.host) == host
	msg := sprintf("%s claims host %q, which Ingress %q in namespace %q of the same class claims too; serve a host from one Ingress", [k8s.label, host, other.metadata.name, other.metadata.namespace])
}

# others are the other Ingresses of the same class, in any namespace.
others contains other if {
	some other in inventory.all("networking.k8s.io", "Ingress")
	[other.metadata.namespace, other.metadata.name] != [k8s.namespace, k8s.name]
	class(other) == class(k8s.resource)
}

# class is the Ingress's class: spec.ingressClassName, else the legacy
# annotation, else "" (the cluster's default class).
class(ingress) := name if {
	name := object.get(ingress, ["spec", "ingressClassName"], null)
	is_string(name)
} else := ingress.metadata.annotations["kubernetes.io/ingress.class"] if {
	ingress.metadata.annotations["kubernetes.io/ingress.class"] != false
} else := ""
