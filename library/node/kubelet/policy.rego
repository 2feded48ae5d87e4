# METADATA
# title: The kubelet authenticates, authorizes and is hardened
# description: >-
#   The kubelet's API runs commands in every pod of its node. It must refuse
#   anonymous requests, authorize through the API server (Webhook), close
#   the unauthenticated read-only port, verify clients against a CA, rotate
#   its certificates, refuse to change kernel defaults, offer only strong
#   TLS ciphers, close idle streams, and cap each pod's processes. Settings
#   are read as the kubelet reads them: flags over the configuration file,
#   defaults where unset; what the scan cannot see (a --config file or a
#   variable's file outside it) is reported, not assumed.
# custom:
#   id: SS-NODE-001
#   severity: high
#   requirements: [NODE-06]
#   frameworks:
#     cis-k8s: ["4.2.1", "4.2.2", "4.2.3", "4.2.4", "4.2.5", "4.2.6", "4.2.10", "4.2.11", "4.2.12", "4.2.13"]
#     mcsb: [PV-2]
#   kinds: [kubelet.config.k8s.io/KubeletConfiguration, shipshape.dev/KubeletFlags]
#   sync: [kubelet.config.k8s.io/v1beta1/KubeletConfiguration, shipshape.dev/v1/KubeletFlags]
#   admission: false
#   remediation: "In the kubelet's configuration file: authentication.anonymous.enabled false, authorization.mode Webhook, readOnlyPort 0, authentication.x509.clientCAFile, rotateCertificates true, protectKernelDefaults true, tlsCipherSuites with ECDHE AES-GCM or ChaCha20 suites, streamingConnectionIdleTimeout above 0 (5m), podPidsLimit above 0; or the same as flags."
package shipshape.node.kubelet

import rego.v1

import data.lib.apiserver
import data.lib.k8s
import data.lib.kubelet

# problem says what a bad value of each setting exposes and how to fix it,
# as {what, fix}.
problem := {
	"anonymous": ["serves anonymous requests, which then run as system:anonymous", "authentication.anonymous.enabled: false (--anonymous-auth=false)"],
	"authorization": ["authorizes without asking the API server: any authenticated client may exec into every pod", "authorization.mode: Webhook (--authorization-mode=Webhook)"],
	"read_only_port": ["serves the unauthenticated read-only API (pods, specs, metrics)", "readOnlyPort: 0 (--read-only-port=0)"],
	"client_ca": ["verifies no client certificate: nothing tells the API server's calls from anyone else's", "authentication.x509.clientCAFile (--client-ca-file) to the cluster CA"],
	"rotate_certificates": ["does not renew its client certificate, which then expires or is kept long after a compromise", "rotateCertificates: true (--rotate-certificates)"],
	"protect_kernel_defaults": ["changes kernel settings pods need instead of failing when they differ", "protectKernelDefaults: true (--protect-kernel-defaults)"],
	"tls_cipher_suites": ["offers TLS cipher suites without forward secrecy or AEAD (Go's defaults when none are listed, CBC ones included)", "tlsCipherSuites (--tls-cipher-suites) to ECDHE AES-GCM or ChaCha20-Poly1305 suites"],
	"streaming_timeout": ["keeps idle exec, attach and port-forward streams open forever", "streamingConnectionIdleTimeout (--streaming-connection-idle-timeout) to a duration above 0, such as 5m"],
	"pod_pids": ["lets one pod fork until the node runs out of process IDs", "podPidsLimit (--pod-max-pids) to a number above 0, such as 4096"],
}

# good is true when a setting's effective value is safe.
good("anonymous", v) if v == false

good("authorization", v) if v == "Webhook"

good("read_only_port", v) if v == 0

good("client_ca", v) if trim_space(v) != ""

good("rotate_certificates", v) if v == true

good("protect_kernel_defaults", v) if v == true

good("tls_cipher_suites", v) if {
	count(v) > 0
	every suite in v {
		suite in apiserver.strong_suites
	}
}

good("streaming_timeout", v) if time.parse_duration_ns(v) > 0

good("pod_pids", v) if v > 0

# A flag on the command line under review.
violation contains {"msg": msg, "details": {"field": ["flags", i, "value"]}} if {
	some i, f in k8s.resource.flags
	some id, s in kubelet.settings
	f.name == s.flag
	not good(id, kubelet.typed(s, f.value))
	[what, fix] := problem[id]
	msg := sprintf("%s sets --%s=%s, so the kubelet %s; set %s", [k8s.label, f.name, f.value, what, fix])
}

# A setting of the configuration file under review that no flag overrides.
violation contains {"msg": msg, "details": {"field": s.path}} if {
	some id, s in kubelet.settings
	not kubelet.flags_set(s)
	v := object.get(k8s.resource, s.path, null)
	v != null
	not good(id, v)
	[what, fix] := problem[id]
	msg := sprintf("the kubelet configuration sets %s to %s, so the kubelet %s; set %s", [concat(".", s.path), kubelet.shown(v), what, fix])
}

# A setting left unset everywhere takes its default.
violation contains {"msg": msg, "details": {"field": field}} if {
	kubelet.is_config
	some id, s in kubelet.settings
	not kubelet.flags_set(s)
	object.get(k8s.resource, s.path, null) == null
	not good(id, s.config_default)
	[what, fix] := problem[id]
	field := array.slice(s.path, 0, count(s.path) - 1)
	msg := sprintf("the kubelet configuration does not set %s, whose default is %s, so the kubelet %s; set %s", [concat(".", s.path), kubelet.shown(s.config_default), what, fix])
}

# A command line without --config runs with the legacy flag defaults; the
# kubelet does not read a configuration file it is not given.
violation contains {"msg": msg, "details": {"field": ["command"]}} if {
	k8s.resource.command
	count(kubelet.config_files) == 0
	k8s.name == kubelet.primary
	some id, s in kubelet.settings
	not kubelet.flags_set(s)
	not good(id, s.legacy_default)
	[what, fix] := problem[id]
	msg := sprintf("%s runs the kubelet without a configuration file or --%s, whose default is then %s, so the kubelet %s; set %s", [k8s.label, s.flag, kubelet.shown(s.legacy_default), what, fix])
}

# What the scan cannot see is reported, not assumed.
violation contains {"msg": msg, "details": {"field": ["flags", i, "value"]}} if {
	count(kubelet.config_objects) == 0
	some i, f in k8s.resource.flags
	f.name == "config"
	msg := sprintf("%s reads the kubelet's settings from --config=%s, which is not in the scan, so the settings not given as flags cannot be checked; scan that file too", [k8s.label, f.value])
}

violation contains {"msg": msg, "details": {"field": ["flags"]}} if {
	count(kubelet.commands) == 0
	k8s.name == kubelet.primary
	msg := sprintf("%s holds kubelet flags, but no scanned file starts the kubelet (its systemd unit or drop-in with ExecStart), so the settings those flags leave out cannot be checked; scan the unit and its --config file too", [k8s.label])
}

violation contains {"msg": msg, "details": {"field": ["unresolved", i]}} if {
	some i, u in k8s.resource.unresolved
	not defined_elsewhere(u.variable)
	msg := sprintf("%s passes $%s to the kubelet, but no scanned file defines it, so its flags cannot be checked; scan the file that sets it (an EnvironmentFile such as kubeadm-flags.env), or one that sets it empty (%s=) if there is none", [k8s.label, u.variable, u.variable])
}

defined_elsewhere(variable) if {
	some o in kubelet.flag_objects
	variable in o.defines
}
