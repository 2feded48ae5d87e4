# METADATA
# title: Every deployed image has an SBOM
# description: >-
#   Every container image needs a CycloneDX or SPDX JSON SBOM in the
#   evidence (from syft, trivy --format cyclonedx or docker buildx), so its
#   components can be checked when a new vulnerability is disclosed.
# custom:
#   id: SS-IMG-006
#   sync: [evidence.shipshape.dev/v1/ImageSBOM]
#   severity: medium
#   requirements: [IMG-06]
#   frameworks:
#     mcsb: [AM-5, DS-6]
#   kinds: [workloads]
#   admission: false
#   remediation: Generate an SBOM for the image (syft <image> -o cyclonedx-json) and pass it with --evidence.
package shipshape.img.sboms

import rego.v1

import data.lib.evidence
import data.lib.pods

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["image"])}} if {
	some c in evidence.judged
	count(evidence.about("ImageSBOM", c.value.image)) == 0
	msg := sprintf("%s runs %q, which has no SBOM in the evidence; generate a CycloneDX or SPDX SBOM and pass it with --evidence", [pods.label(c), c.value.image])
}
