# METADATA
# title: etcd serves clients and peers over TLS with client certificates
# description: >-
#   etcd holds every Secret and the whole cluster state. Without --cert-file
#   and --key-file it serves plain HTTP; without --client-cert-auth anyone who
#   reaches its port reads and writes everything; --auto-tls serves a
#   self-signed certificate nobody verifies. The peer flags (--peer-cert-file,
#   --peer-key-file, --peer-client-cert-auth, --peer-auto-tls) do the same for
#   the traffic between members. etcd reads a flag from its ETCD_ variable
#   when the command line does not set it.
# custom:
#   id: SS-CP-010
#   severity: critical
#   requirements: [NODE-08]
#   frameworks:
#     cis-k8s: ["2.1", "2.2", "2.3", "2.4", "2.5", "2.6"]
#     mcsb: [DP-3]
#   kinds: [Pod]
#   admission: false
#   remediation: Set --cert-file, --key-file and --client-cert-auth=true, and --peer-cert-file, --peer-key-file and --peer-client-cert-auth=true on etcd, with certificates from the cluster's etcd CA; remove --auto-tls and --peer-auto-tls.
package shipshape.cp.etcd_tls

import rego.v1

import data.lib.apiserver
import data.lib.pods

containers := apiserver.containers_of("etcd")

# applies: only the etcd Pod is this control's to judge.
applies if count(containers) > 0

# setting is a flag's value, from the command line, else from its ETCD_
# environment variable (--peer-cert-file: ETCD_PEER_CERT_FILE).
setting(c, name) := v if {
	v := apiserver.value(c, name)
} else := v if {
	# The last entry of a variable listed twice is the one the process sees.
	values := [e.value | some e in c.value.env; e.name == env_name(name)]
	v := values[count(values) - 1]
}

# text is a flag's value, or "" when it is set nowhere.
text(c, name) := v if {
	v := setting(c, name)
} else := ""

env_name(name) := concat("", ["ETCD_", upper(replace(name, "-", "_"))])

# where points at the flag, the variable, or the command.
where(c, name) := f if {
	f := apiserver.field(c, name)
} else := f if {
	indices := [i | some i, e in c.value.env; e.name == env_name(name)]
	f := pods.container_field(c, ["env", indices[count(indices) - 1], "value"])
} else := pods.container_field(c, ["command"])

shown(c, name) := json.marshal(v) if {
	v := setting(c, name)
} else := "unset"

# tls pairs name the file flags and the authentication flag of each side.
sides := [
	{"side": "clients", "cert": "cert-file", "key": "key-file", "auth": "client-cert-auth", "auto": "auto-tls"},
	{"side": "peers", "cert": "peer-cert-file", "key": "peer-key-file", "auth": "peer-client-cert-auth", "auto": "peer-auto-tls"},
]

violation contains {"msg": msg, "details": {"field": where(c, flag)}} if {
	some c in containers
	some s in sides
	some flag in [s.cert, s.key]
	trim_space(text(c, flag)) == ""
	msg := sprintf("%s does not set --%s, so it talks to %s without TLS; set it to a certificate of the etcd CA", [pods.label(c), flag, s.side])
}

violation contains {"msg": msg, "details": {"field": where(c, s.auth)}} if {
	some c in containers
	some s in sides
	not text(c, s.auth) in apiserver.true_values
	msg := sprintf("%s does not require client certificates from %s (--%s is %s), so whoever reaches its port reads and writes the cluster's state; set --%s=true", [pods.label(c), s.side, s.auth, shown(c, s.auth), s.auth])
}

violation contains {"msg": msg, "details": {"field": where(c, s.auto)}} if {
	some c in containers
	some s in sides
	setting(c, s.auto) in apiserver.true_values
	msg := sprintf("%s sets --%s, serving %s a self-signed certificate nobody verifies; remove it and set --%s and --%s", [pods.label(c), s.auto, s.side, s.cert, s.key])
}
