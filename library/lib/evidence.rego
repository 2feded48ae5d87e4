# METADATA
# title: Image evidence helpers
# description: >-
#   Finds the supply-chain evidence given with --evidence (kinds ImageScan,
#   ImageSBOM and ImageSignature of evidence.shipshape.dev, in
#   data.inventory) about a container image: by digest when the image is
#   pinned by one, otherwise by its full normalised reference
#   (registry/repository[:tag], docker.io and library/ implied).
package lib.evidence

import rego.v1

import data.lib.images
import data.lib.inventory
import data.lib.pods

of_kind(kind) := inventory.cluster("evidence.shipshape.dev", kind)

# identity is how evidence names an image: its full reference and digest.
identity(image) := {"reference": concat("", [ref.registry, "/", ref.repository, tag_suffix(ref.tag)]), "digest": ref.digest} if {
	ref := images.parse(image)
	ref.valid
}

tag_suffix(tag) := "" if tag == ""

tag_suffix(tag) := concat("", [":", tag]) if tag != ""

# about returns the evidence of a kind about an image.
about(kind, image) := [e |
	id := identity(image)
	some e in of_kind(kind)
	matches(e.image, id)
]

matches(ev, id) if {
	id.digest != ""
	ev.digest == id.digest
}

matches(ev, id) if {
	id.digest == ""
	ev.reference != ""
	ev.reference == id.reference
}

# judged are the containers whose image reference parses; invalid
# ones are SS-IMG-001's to report.
judged contains c if {
	some c in pods.containers
	identity(c.value.image)
}
