# METADATA
# title: Only images with a verified signature run
# description: >-
#   Every container image (containers, init and ephemeral containers) needs
#   a successful signature verification in the evidence: the JSON that
#   `cosign verify` prints, or the output of `notation verify`, passed with
#   --evidence. An image pinned by digest matches evidence for that digest;
#   otherwise the full reference must match.
# custom:
#   id: SS-IMG-004
#   sync: [evidence.shipshape.dev/v1/ImageSignature]
#   severity: high
#   requirements: [IMG-04]
#   frameworks:
#     cis-aks: ["5.1.1"]
#     mcsb: [DS-6]
#     mitre: [T1525]
#   kinds: [workloads]
#   admission: false
#   externalData: {provider: signatureProvider, check: signature verification}
#   remediation: Sign the image (cosign sign or notation sign), verify it in the pipeline, and pass the verification output with --evidence.
package shipshape.img.signatures

import rego.v1

import data.lib.evidence
import data.lib.pods

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["image"])}} if {
	some c in evidence.judged
	count(evidence.about("ImageSignature", c.value.image)) == 0
	msg := sprintf("%s runs %q, which has no successful signature verification in the evidence; verify it with cosign or notation and pass the result with --evidence", [pods.label(c), c.value.image])
}
