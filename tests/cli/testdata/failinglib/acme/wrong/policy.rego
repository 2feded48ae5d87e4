# METADATA
# title: Images are not tagged latest
# description: An example of a user control extending the library.
# custom:
#   id: ACME-002
#   severity: high
#   requirements: [IMG-02]
#   kinds: [workloads]
#   remediation: Pin the image to a version tag or a digest.
package shipshape.acme.wrong

import rego.v1

import data.lib.pods

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in pods.containers
	endswith(c.value.image, ":latest")
	field := pods.container_field(c, ["image"])
	msg := sprintf("%s uses the mutable tag latest; pin a version or digest", [pods.label(c)])
}
