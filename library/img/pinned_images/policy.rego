# METADATA
# title: Images are pinned
# description: >-
#   An image without a tag or with the latest tag can change under the same
#   name between deployments. Every image needs a version tag or a digest,
#   and in production namespaces (productionNamespaceSelector, matched
#   against the Namespace in the inventory), or everywhere when
#   requireDigest is set, a @sha256 digest.
# custom:
#   id: SS-IMG-002
#   severity: medium
#   requirements: [IMG-02]
#   frameworks:
#     mcsb: [DS-6]
#     nsa-cisa: [Upgrading and application security practices]
#     mitre: [T1525]
#   kinds: [workloads]
#   sync: [v1/Namespace]
#   remediation: Reference the image by digest (image@sha256:...), or at least by an immutable version tag outside production.
#   parameters:
#     type: object
#     properties:
#       requireDigest: {type: boolean, default: false}
#       productionNamespaceSelector:
#         type: object
#         default: {matchLabels: {environment: production}}
package shipshape.img.pinned_images

import rego.v1

import data.lib.images
import data.lib.namespaces
import data.lib.pods

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["image"])}} if {
	some c in pods.containers
	ref := images.parse(c.value.image)
	ref.valid
	ref.digest == ""
	ref.tag in {"", "latest"}
	msg := sprintf("%s uses %q, which is not pinned (%s); use a version tag or, better, a digest", [pods.label(c), c.value.image, tag_text(ref.tag)])
}

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["image"])}} if {
	digest_required
	some c in pods.containers
	ref := images.parse(c.value.image)
	ref.valid
	ref.digest == ""
	not ref.tag in {"", "latest"}
	msg := sprintf("%s uses %q, pinned by tag only, where a digest is required (%s); use %s@sha256:...", [pods.label(c), c.value.image, digest_reason, images.display(ref)])
}

tag_text("") := "no tag means latest"

tag_text("latest") := "the latest tag moves"

digest_required if input.parameters.requireDigest

digest_required if namespaces.object_is_production(input.parameters.productionNamespaceSelector)

digest_reason := "requireDigest is set" if {
	input.parameters.requireDigest
} else := "production namespace"
