# METADATA
# title: Kubelet settings, as the kubelet resolves them
# description: >-
#   Reads the kubelet's settings from the scan's KubeletConfiguration files
#   (kubelet.config.k8s.io) and its command lines (shipshape.dev/v1
#   KubeletFlags, from systemd units, drop-ins and environment files, see
#   docs/inputs.md) with the kubelet's precedence: a flag overrides the
#   configuration file, and an unset setting takes its default, which is the
#   configuration file's (secure) default when --config names one and the
#   legacy flag default when no --config is given.
package lib.kubelet

import rego.v1

import data.lib.inventory
import data.lib.k8s

is_flags if k8s.has_kind("shipshape.dev", "KubeletFlags")

is_config if k8s.has_kind("kubelet.config.k8s.io", "KubeletConfiguration")

# flag_objects and config_objects are the scan's command lines and
# configuration files, the one under review included.
flag_objects := {o | some o in inventory.cluster("shipshape.dev", "KubeletFlags")} | {k8s.resource | is_flags}

config_objects := {o | some o in inventory.cluster("kubelet.config.k8s.io", "KubeletConfiguration")} | {k8s.resource | is_config}

# settings: each with its flag, its configuration-file path, its default in
# a configuration file and its legacy default without one (see the kubelet's
# options.applyLegacyDefaults and the v1beta1 defaults), and how its flag's
# text is read.
settings := {
	"anonymous": {"flag": "anonymous-auth", "path": ["authentication", "anonymous", "enabled"], "config_default": false, "legacy_default": true, "type": "bool"},
	"authorization": {"flag": "authorization-mode", "path": ["authorization", "mode"], "config_default": "Webhook", "legacy_default": "AlwaysAllow", "type": "string"},
	"read_only_port": {"flag": "read-only-port", "path": ["readOnlyPort"], "config_default": 0, "legacy_default": 10255, "type": "int"},
	"client_ca": {"flag": "client-ca-file", "path": ["authentication", "x509", "clientCAFile"], "config_default": "", "legacy_default": "", "type": "string"},
	"rotate_certificates": {"flag": "rotate-certificates", "path": ["rotateCertificates"], "config_default": false, "legacy_default": false, "type": "bool"},
	"protect_kernel_defaults": {"flag": "protect-kernel-defaults", "path": ["protectKernelDefaults"], "config_default": false, "legacy_default": false, "type": "bool"},
	"tls_cipher_suites": {"flag": "tls-cipher-suites", "path": ["tlsCipherSuites"], "config_default": [], "legacy_default": [], "type": "list"},
	"streaming_timeout": {"flag": "streaming-connection-idle-timeout", "path": ["streamingConnectionIdleTimeout"], "config_default": "4h0m0s", "legacy_default": "4h0m0s", "type": "string"},
	"pod_pids": {"flag": "pod-max-pids", "path": ["podPidsLimit"], "config_default": -1, "legacy_default": -1, "type": "int"},
}

# typed reads a flag's text as its setting's type; text that does not parse
# stays text, which no check accepts (the kubelet would refuse to start).
# A list is split at every comma, as the flag parser splits it: an empty
# item ("A,") names no cipher suite, which the kubelet refuses too.
typed(s, text) if {
	s.type == "bool"
	text in {"true", "True", "TRUE", "t", "T", "1"}
} else := false if {
	s.type == "bool"
	text in {"false", "False", "FALSE", "f", "F", "0"}
} else := to_number(text) if {
	s.type == "int"
	regex.match(`^-?[0-9]+$`, text)
} else := split(text, ",") if {
	s.type == "list"
} else := text

# flags_set is true when some command line in the scan sets the setting.
flags_set(s) if {
	some o in flag_objects
	some f in o.flags
	f.name == s.flag
}

# config_files are the --config paths the command lines name: none, one,
# or several when units disagree (each is judged as a unit of its own).
config_files contains f.value if {
	some o in flag_objects
	some f in o.flags
	f.name == "config"
}

# commands are the scanned files that start the kubelet (an ExecStart),
# as opposed to environment files that only hold flags for one.
commands := {o | some o in flag_objects; o.command}

# primary is the file that answers for what no file sets: the first
# command line by name (else the first file), so a setting left unset is
# reported once, not by every drop-in.
primary := min({o.metadata.name | some o in commands}) if {
	count(commands) > 0
} else := min({o.metadata.name | some o in flag_objects})

shown(v) := v if {
	is_string(v)
	v != ""
} else := json.marshal(v)
