# METADATA
# title: The controller manager and scheduler keep profiling off, listen on localhost, and the controller manager uses per-controller credentials
# description: >-
#   kube-controller-manager and kube-scheduler serve profiling data unless
#   --profiling=false, and listen on every address unless --bind-address is
#   a loopback one. Without --use-service-account-credentials=true every
#   controller runs with the manager's own broad credentials; with the
#   RotateKubeletServerCertificate feature gate off, kubelets' serving
#   certificates are never rotated.
# custom:
#   id: SS-CP-011
#   severity: medium
#   requirements: [NODE-08]
#   frameworks:
#     cis-k8s: ["1.3.2", "1.3.3", "1.3.6", "1.3.7", "1.4.1", "1.4.2"]
#     mcsb: [PV-2]
#   kinds: [Pod]
#   admission: false
#   remediation: Set --profiling=false and --bind-address=127.0.0.1 on kube-controller-manager and kube-scheduler, --use-service-account-credentials=true on kube-controller-manager, and leave RotateKubeletServerCertificate on.
package shipshape.cp.controllers

import rego.v1

import data.lib.apiserver
import data.lib.pods

components := {"kube-controller-manager", "kube-scheduler"}

containers contains c if {
	some binary in components
	some c in apiserver.containers_of(binary)
}

manager_containers := apiserver.containers_of("kube-controller-manager")

# applies: only controller-manager and scheduler Pods are this control's.
applies if count(containers) > 0

shown(c, name, fallback) := v if {
	v := apiserver.value(c, name)
} else := fallback

violation contains {"msg": msg, "details": {"field": apiserver.flag_field(c, "profiling")}} if {
	some c in containers
	not apiserver.is_false(c, "profiling")
	msg := sprintf("%s serves profiling data (--profiling is %s); set --profiling=false", [pods.label(c), shown(c, "profiling", "unset, so true")])
}

# loopback addresses: 127.0.0.0/8 and ::1.
loopback(address) if net.cidr_contains("127.0.0.0/8", address)

loopback(address) if net.cidr_contains("::1/128", address)

violation contains {"msg": msg, "details": {"field": apiserver.flag_field(c, "bind-address")}} if {
	some c in containers
	address := shown(c, "bind-address", "0.0.0.0")
	not loopback(address)
	msg := sprintf("%s listens on %s (--bind-address), so its metrics and health endpoints are reachable from the network; set --bind-address=127.0.0.1", [pods.label(c), address])
}

violation contains {"msg": msg, "details": {"field": apiserver.flag_field(c, "use-service-account-credentials")}} if {
	some c in manager_containers
	not apiserver.is_true(c, "use-service-account-credentials")
	msg := sprintf("%s runs every controller with its own credentials (--use-service-account-credentials is %s); set --use-service-account-credentials=true", [pods.label(c), shown(c, "use-service-account-credentials", "unset, so false")])
}

violation contains {"msg": msg, "details": {"field": apiserver.field(c, "feature-gates")}} if {
	some c in manager_containers
	some gate in apiserver.list(c, "feature-gates")
	[name, value] := split(gate, "=")
	trim_space(name) == "RotateKubeletServerCertificate"
	trim_space(value) in apiserver.false_values
	msg := sprintf("%s turns the RotateKubeletServerCertificate feature gate off, so kubelets' serving certificates are not rotated; remove it from --feature-gates", [pods.label(c)])
}
