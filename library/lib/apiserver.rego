# METADATA
# title: Control-plane component flag helpers
# description: >-
#   Finds the container of a control-plane component in a static pod
#   manifest (kube-apiserver, etcd, kube-controller-manager, kube-scheduler:
#   any container whose command or args name the binary, also inside a shell
#   script) and parses its flags the way their flag library (pflag) does:
#   --flag=value, --flag value, boolean flags without a value, the last of a
#   repeated flag wins, and list flags gather every comma-separated value of
#   every occurrence. Each flag keeps the path of the argument it came from.
package lib.apiserver

import rego.v1

import data.lib.pods

# containers are the containers that run kube-apiserver.
containers := containers_of("kube-apiserver")

# containers_of are the containers that run the named binary.
containers_of(binary) := {c |
	some c in candidates
	some w in words(c)
	binary_name(w.text) == binary
}

# candidates are the containers whose command or args mention a
# control-plane binary: only they are split into words, since every Pod of a
# scan passes through here and few run one.
candidates contains c if {
	some c in pods.containers
	some list in ["command", "args"]
	some arg in object.get(c.value, list, [])
	regex.match(`kube-apiserver|etcd|kube-controller-manager|kube-scheduler`, arg)
}

binary_name(path) := parts[count(parts) - 1] if parts := split(path, "/")

# words are the container's arguments, each with the field it came from.
# The kubelet passes every element of command and args as one argument,
# spaces and all ("--feature-gates=A=true, B=false" is one flag); a shell
# form such as ["sh", "-c", "kube-apiserver --a=b"] is split at whitespace,
# as the shell splits its script. An empty argument is a word too: the flag
# parser gives it as the value of a bare flag before it.
words(c) := [w |
	some list in ["command", "args"]
	some i, arg in object.get(c.value, list, [])
	is_string(arg)
	some text in arguments(c, arg)
	w := {"text": text, "field": pods.container_field(c, [list, i])}
]

arguments(c, arg) := regex.split(`\s+`, trim_space(arg)) if {
	shell_form(c)
} else := [trim_space(arg)]

# shell_form is true when the container runs a shell script: an argument
# is the shell's -c, alone or among other options (-c, -ec, -ce, -euxc),
# in command or in args (the image's entrypoint may be the shell). A shell
# runs no script given on its command line without -c.
shell_form(c) if {
	some list in ["command", "args"]
	some arg in object.get(c.value, list, [])
	regex.match(`^-[a-zA-Z]*c[a-zA-Z]*$`, arg)
}

# boolean_flags take no separate value: "--anonymous-auth false" would leave
# "false" as a stray argument, as the components' flag parser does.
boolean_flags := {
	"anonymous-auth", "allow-privileged", "profiling", "enable-aggregator-routing",
	"enable-bootstrap-token-auth", "service-account-lookup", "enable-priority-and-fairness",
	"enable-garbage-collector", "enable-logs-handler",
	# etcd
	"client-cert-auth", "peer-client-cert-auth", "auto-tls", "peer-auto-tls",
	# kube-controller-manager
	"use-service-account-credentials", "leader-elect",
}

# false_values are the spellings of false the flag parser accepts
# (strconv.ParseBool); true_values those of true.
false_values := {"false", "False", "FALSE", "f", "F", "0"}

true_values := {"true", "True", "TRUE", "t", "T", "1"}

# is_true is true when the flag is given and parses as true.
is_true(c, name) if value(c, name) in true_values

# is_false is true when the flag is given and parses as false.
is_false(c, name) if value(c, name) in false_values

# value is the flag's effective value (the last occurrence), undefined when
# the flag is absent.
value(c, name) := v if {
	occurrences := [f | some f in parsed(c); f.name == name]
	count(occurrences) > 0
	v := occurrences[count(occurrences) - 1].value
}

# field is the path of the argument that set the flag last.
field(c, name) := f if {
	occurrences := [f | some f in parsed(c); f.name == name]
	count(occurrences) > 0
	f := occurrences[count(occurrences) - 1].field
}

# list gathers a list flag's values across occurrences.
list(c, name) := [trim_space(v) |
	some f in parsed(c)
	f.name == name
	some v in split(f.value, ",")
	trim_space(v) != ""
]

# has is true when the flag is given with a non-empty value.
has(c, name) if value(c, name) != ""

# parsed lists every flag occurrence in order: {name, value, field}.
parsed(c) := [f |
	ws := words(c)
	some i, w in ws
	startswith(w.text, "--")
	body := substring(w.text, 2, -1)
	body != ""
	f := resolve(ws, i, body, w.field)
]

# resolve reads one flag: --name=value, a boolean --name, --name value
# (the next word, unless it is another flag), or --name with no value. The
# flag parser would take "--a --b=c" as a set to "--b=c"; a component so
# configured does not start, and reading --b=c as the flag it looks like
# keeps every flag judged.
resolve(ws, i, body, field) := {"name": name, "value": value, "field": field} if {
	contains(body, "=")
	name := split(body, "=")[0]
	value := substring(body, count(name) + 1, -1)
} else := {"name": body, "value": "true", "field": field} if {
	body in boolean_flags
} else := {"name": body, "value": ws[i + 1].text, "field": field} if {
	i + 1 < count(ws)
	not startswith(ws[i + 1].text, "-")
} else := {"name": body, "value": "", "field": field}

# flag_field is where to point for a flag: the argument that set it last,
# or the container's command when it is absent.
flag_field(c, name) := f if {
	f := field(c, name)
} else := pods.container_field(c, ["command"])

# strong_suites are the TLS cipher suites with forward secrecy and AEAD
# (ECDHE with AES-GCM or ChaCha20-Poly1305, and the TLS 1.3 suites), as the
# components' --tls-cipher-suites name them.
strong_suites := {
	"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
	"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
	"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
}
