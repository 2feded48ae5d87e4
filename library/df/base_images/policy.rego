# METADATA
# title: Dockerfiles build on trusted, pinned base images
# description: >-
#   Every FROM that pulls an image (not scratch, not an earlier stage) must
#   name a registry in allowedRegistries and pin the image with a digest or
#   a version tag (not latest, not untagged). Build arguments are substituted
#   as BuildKit substitutes them; a base image that depends on a build
#   argument without a default cannot be verified and is reported.
# custom:
#   id: SS-DF-001
#   severity: high
#   requirements: [IMG-10]
#   frameworks:
#     cis-docker: ["4.2"]
#     mcsb: [DS-6]
#   kinds: [shipshape.dev/Dockerfile]
#   admission: false
#   parameters:
#     type: object
#     properties:
#       allowedRegistries: {type: array, items: {type: string}, default: []}
#   remediation: Build FROM an image in a trusted registry (such as your Azure Container Registry), pinned by digest (image@sha256:...) or at least a version tag.
package shipshape.df.base_images

import rego.v1

import data.lib.dockerfiles
import data.lib.images

# pulled are the stages whose FROM pulls an image.
pulled contains s if {
	some s in dockerfiles.stages
	not s.fromStage
	lower(s.from) != "scratch"
	count(object.get(s, "unresolvedArgs", [])) == 0
}

violation contains {"msg": msg, "details": {"field": ["stages", s.index, "from"]}} if {
	some s in dockerfiles.stages
	args := object.get(s, "unresolvedArgs", [])
	count(args) > 0
	msg := sprintf("%s %s builds FROM %q, which depends on build argument %s with no default; give it a default so the base image can be verified", [dockerfiles.label, dockerfiles.stage_label(s), s.fromRaw, concat(", ", args)])
}

violation contains {"msg": msg, "details": {"field": ["stages", s.index, "from"]}} if {
	some s in pulled
	ref := images.parse(s.from)
	not ref.valid
	msg := sprintf("%s %s builds FROM %q, which is not a valid image reference: %s", [dockerfiles.label, dockerfiles.stage_label(s), s.from, ref.problem])
}

violation contains {"msg": msg, "details": {"field": ["stages", s.index, "from"]}} if {
	some s in pulled
	ref := images.parse(s.from)
	ref.valid
	not images.registry_allowed(ref, input.parameters.allowedRegistries)
	msg := sprintf("%s %s builds FROM %q from registry %q, which is not in allowedRegistries (%s); use a trusted registry", [dockerfiles.label, dockerfiles.stage_label(s), s.from, ref.registry, allowed_text])
}

violation contains {"msg": msg, "details": {"field": ["stages", s.index, "from"]}} if {
	some s in pulled
	ref := images.parse(s.from)
	ref.valid
	ref.digest == ""
	ref.tag in {"", "latest"}
	msg := sprintf("%s %s builds FROM %q, which is not pinned; use a digest (@sha256:...) or a version tag", [dockerfiles.label, dockerfiles.stage_label(s), s.from])
}

allowed_text := "none configured" if {
	count(input.parameters.allowedRegistries) == 0
} else := concat(", ", input.parameters.allowedRegistries)
