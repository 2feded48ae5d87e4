# METADATA
# title: Exempt images
# description: >-
#   The exemptImages parameter of an exported container control, as
#   gatekeeper-library's templates take it: a violation whose
#   details.field is about a container (the first containers[i],
#   initContainers[i] or ephemeralContainers[i] of the path) whose image is
#   listed, exactly or by a prefix ending in *, is exempt. shipshape scan
#   resolves a finding to its container the same way.
package lib.shipshape.exempt_images

import rego.v1

container_lists := {"initContainers", "containers", "ephemeralContainers"}

# exempt is true when the violation is about a container of an exempt image.
exempt(v) if {
	some pattern in object.get(input, ["parameters", "exemptImages"], [])
	matches(image(v.details.field), pattern)
}

# image is the image of the container a field path is about.
image(field) := img if {
	ends := [end | some i; field[i] in container_lists; is_number(field[i + 1]); end := i + 2]
	count(ends) > 0
	img := object.get(input.review.object, array.concat(array.slice(field, 0, min(ends)), ["image"]), null)
	is_string(img)
}

matches(img, pattern) if {
	not endswith(pattern, "*")
	img == pattern
}

matches(img, pattern) if {
	endswith(pattern, "*")
	startswith(img, trim_suffix(pattern, "*"))
}
