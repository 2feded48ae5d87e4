# METADATA
# title: Sysctl values carry no further kernel settings
# description: >-
#   CRI-O before 1.22.2 (and 1.23.2) wrote a pod's sysctls to its
#   configuration as "name=value" lines, so a value holding "+" or "=" set
#   further kernel parameters of the node's choosing: CVE-2022-0811
#   (cr8escape) turned kernel.core_pattern into root on the node from any
#   pod allowed one safe sysctl. A value with "+" or "=" is denied, whatever
#   the sysctl's name, as Kyverno's prevent-cr8escape does.
# custom:
#   id: SS-POD-017
#   severity: high
#   requirements: [POD-21]
#   frameworks:
#     mitre: ["T1611"]
#   kinds: [workloads]
#   remediation: Remove the sysctl or give it a plain value (no "+" or "="); upgrade CRI-O to 1.22.2 or later.
package shipshape.pod.sysctl_values

import rego.v1

import data.lib.k8s
import data.lib.pods

violation contains {"msg": msg, "details": {"field": field}} if {
	some i, sysctl in pods.security_context.sysctls
	value := sysctl.value
	is_string(value)
	regex.match(`[+=]`, value)
	field := pods.spec_field(["securityContext", "sysctls", i, "value"])
	msg := sprintf("%s sets sysctl %v to %q, whose \"+\" or \"=\" a vulnerable CRI-O reads as further kernel settings (CVE-2022-0811, cr8escape); give it a plain value", [k8s.label, object.get(sysctl, "name", ""), value])
}
