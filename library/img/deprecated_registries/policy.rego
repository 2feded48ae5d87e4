# METADATA
# title: Images do not come from frozen registries or run Helm v2 Tiller
# description: >-
#   k8s.gcr.io (and its older name gcr.io/google_containers) has been frozen
#   since April 2023: it gets no new images and no security fixes, and the
#   Kubernetes project serves its images from registry.k8s.io. Helm v2's
#   Tiller, removed in Helm 3 and unmaintained since 2020, holds broad
#   cluster rights behind an unauthenticated gRPC port. Registries are
#   matched as runtimes parse references (exact host, path prefixes at "/"),
#   and Tiller by its repository's last component, so "distiller" is not it.
# custom:
#   id: SS-IMG-007
#   severity: medium
#   requirements: [IMG-12]
#   frameworks:
#     mitre: ["T1525"]
#   kinds: [workloads]
#   remediation: Pull Kubernetes project images from registry.k8s.io (the same paths and tags), and remove Tiller (Helm 3 needs no in-cluster component).
#   parameters:
#     type: object
#     properties:
#       deprecatedRegistries:
#         type: array
#         items: {type: string}
#         default: [k8s.gcr.io, gcr.io/google_containers, gcr.io/google-containers]
package shipshape.img.deprecated_registries

import rego.v1

import data.lib.images
import data.lib.pods

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["image"])}} if {
	some c in pods.containers
	mentions_deprecated(c.value.image)
	ref := images.parse(c.value.image)
	images.registry_allowed(ref, input.parameters.deprecatedRegistries)
	msg := sprintf("%s pulls %q from %s, a frozen registry that gets no fixes; pull it from registry.k8s.io (the same path and tag) or another maintained registry", [pods.label(c), c.value.image, ref.registry])
}

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["image"])}} if {
	some c in pods.containers
	contains(lower(c.value.image), "tiller")
	ref := images.parse(c.value.image)
	parts := split(ref.repository, "/") # "" for a reference that does not parse
	parts[count(parts) - 1] == "tiller"
	msg := sprintf("%s runs Helm v2's Tiller (%q), removed in Helm 3 and unmaintained; uninstall it and use Helm 3", [pods.label(c), c.value.image])
}

# mentions_deprecated: an image can only be from a listed registry when its
# reference names it; parsing every other image is wasted work.
# Docker Hub's host and library/ are implied in references, so they are not
# looked for.
mentions_deprecated(image) if {
	some registry in input.parameters.deprecatedRegistries
	hub := trim_prefix(trim_prefix(trim_prefix(lower(registry), "index."), "docker.io"), "/")
	contains(lower(image), trim_suffix(trim_prefix(hub, "library/"), "/"))
}
