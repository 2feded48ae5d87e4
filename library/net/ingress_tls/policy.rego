# METADATA
# title: Ingresses terminate TLS for every host
# description: >-
#   Every host an Ingress serves must be listed in one of its spec.tls
#   entries (a wildcard "*.example.com" covers one label), so traffic is not
#   served in clear text. Rules without a host need a tls entry without
#   hosts.
# custom:
#   id: SS-NET-004
#   severity: high
#   requirements: [NET-08]
#   frameworks:
#     cis-aks: ["5.4.5"]
#     mcsb: [DP-3]
#     nsa-cisa: [Network separation and hardening]
#     mitre: [T1040]
#   kinds: [networking.k8s.io/Ingress]
#   remediation: Add the host to spec.tls[].hosts with a certificate secret (for example issued by cert-manager).
package shipshape.net.ingress_tls

import rego.v1

import data.lib.k8s

tls_hosts := {lower(h) | some entry in k8s.get(k8s.resource.spec, "tls", []); some h in k8s.get(entry, "hosts", [])}

tls_without_hosts if {
	some entry in k8s.get(k8s.resource.spec, "tls", [])
	count(k8s.get(entry, "hosts", [])) == 0
}

violation contains {"msg": msg, "details": {"field": ["spec", "rules", i, "host"]}} if {
	some i, rule in k8s.get(k8s.resource.spec, "rules", [])
	host := k8s.get(rule, "host", "")
	host != ""
	not covered(lower(host))
	msg := sprintf("%s serves host %q without TLS; add it to spec.tls[].hosts with a certificate", [k8s.label, host])
}

violation contains {"msg": msg, "details": {"field": ["spec", "rules", i]}} if {
	some i, rule in k8s.get(k8s.resource.spec, "rules", [])
	k8s.get(rule, "host", "") == ""
	not tls_without_hosts
	msg := sprintf("%s rule %d serves any host without TLS; add a host and a matching spec.tls entry", [k8s.label, i])
}

violation contains {"msg": msg, "details": {"field": ["spec", "defaultBackend"]}} if {
	k8s.get(k8s.resource.spec, "defaultBackend", null) != null
	count(k8s.get(k8s.resource.spec, "tls", [])) == 0
	msg := sprintf("%s has a default backend and no spec.tls; add a TLS entry", [k8s.label])
}

covered(host) if host in tls_hosts

covered(host) if {
	some pattern in tls_hosts
	startswith(pattern, "*.")
	suffix := substring(pattern, 1, -1)
	endswith(host, suffix)
	not contains(trim_suffix(host, suffix), ".")
	trim_suffix(host, suffix) != ""
}
