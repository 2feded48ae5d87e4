# METADATA
# title: Linux capability helpers
# description: >-
#   Normalizes capability names the way container runtimes accept them:
#   case-insensitive, with or without the CAP_ prefix. (The Pod Security
#   Standards controls deliberately keep upstream's exact comparison.)
package lib.capabilities

import rego.v1

# normalize turns "cap_sys_admin", "SYS_ADMIN" and "Cap_Sys_Admin" into
# "SYS_ADMIN".
normalize(name) := trim_prefix(upper(name), "CAP_") if is_string(name)

# dangerous are capabilities that give a container control over the node or
# other workloads.
dangerous := {
	"ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_PTRACE", "SYS_RAWIO", "SYS_BOOT", "SYS_TIME",
	"NET_ADMIN", "NET_RAW", "DAC_READ_SEARCH", "DAC_OVERRIDE", "BPF", "PERFMON", "MAC_ADMIN",
	"MAC_OVERRIDE", "SETFCAP", "SYSLOG", "MKNOD", "AUDIT_CONTROL", "LINUX_IMMUTABLE", "IPC_LOCK",
}
