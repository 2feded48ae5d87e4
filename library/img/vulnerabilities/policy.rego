# METADATA
# title: Images carry no vulnerabilities at or above the threshold
# description: >-
#   Every container image needs a Trivy JSON report in the evidence, and the
#   report must list no vulnerability whose severity is in
#   vulnerabilitySeverities (default CRITICAL and HIGH). With ignoreUnfixed,
#   vulnerabilities without a fixed version do not count. An image without
#   a report cannot be shown to be clean and is reported.
# custom:
#   id: SS-IMG-005
#   sync: [evidence.shipshape.dev/v1/ImageScan]
#   severity: high
#   requirements: [IMG-05]
#   frameworks:
#     cis-aks: ["5.1.1"]
#     mcsb: [PV-5, DS-6]
#     mitre: [T1190]
#   kinds: [workloads]
#   admission: false
#   externalData: {provider: vulnerabilityProvider, check: the vulnerability policy}
#   parameters:
#     type: object
#     properties:
#       vulnerabilitySeverities: {type: array, items: {type: string}, default: [CRITICAL, HIGH]}
#       ignoreUnfixed: {type: boolean, default: false}
#   remediation: Rebuild the image on a patched base or upgrade the affected packages, scan it with trivy image --format json, and pass the report with --evidence.
package shipshape.img.vulnerabilities

import rego.v1

import data.lib.evidence
import data.lib.pods

blocking := {upper(s) | some s in input.parameters.vulnerabilitySeverities}

counted(v) if {
	v.severity in blocking
	not skipped(v)
}

skipped(v) if {
	input.parameters.ignoreUnfixed == true
	v.fixed == false
}

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["image"])}} if {
	some c in evidence.judged
	count(evidence.about("ImageScan", c.value.image)) == 0
	msg := sprintf("%s runs %q, which has no vulnerability report in the evidence; scan it with trivy image --format json and pass the report with --evidence", [pods.label(c), c.value.image])
}

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["image"])}} if {
	some c in evidence.judged
	reports := evidence.about("ImageScan", c.value.image)
	found := {v.id | some r in reports; some v in r.spec.vulnerabilities; counted(v)}
	count(found) > 0
	ids := array.slice(sort(found), 0, 5)
	msg := sprintf("%s runs %q, which has %s at %s (%s); rebuild it on patched packages", [pods.label(c), c.value.image, vulnerabilities(count(found)), concat(" or ", sort(blocking)), concat(", ", ids)])
}

# vulnerabilities counts them in words: "1 vulnerability", "2 vulnerabilities".
vulnerabilities(1) := "1 vulnerability"

vulnerabilities(n) := sprintf("%d vulnerabilities", [n]) if n != 1
