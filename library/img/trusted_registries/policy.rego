# METADATA
# title: Images come from trusted registries
# description: >-
#   Every container image (containers, init and ephemeral containers) must
#   come from a registry in allowedRegistries. References are parsed as
#   container runtimes parse them (docker.io and library/ are implied), and
#   registries are matched by exact host, optionally with a repository path
#   prefix ending at "/": contoso.azurecr.io.evil.example/x and nginx are not
#   from contoso.azurecr.io. A reference that cannot be parsed is reported.
# custom:
#   id: SS-IMG-001
#   severity: high
#   requirements: [IMG-01]
#   frameworks:
#     cis-k8s: ["5.5.1"]
#     cis-aks: ["5.1.4"]
#     mcsb: [DS-6, AM-2]
#     nsa-cisa: [Kubernetes Pod security]
#     mitre: [T1525, T1610]
#   kinds: [workloads]
#   remediation: Push the image to a trusted registry (for example your Azure Container Registry) and reference it there, or add the registry to settings.allowedRegistries.
#   parameters:
#     type: object
#     properties:
#       allowedRegistries:
#         type: array
#         items: {type: string}
#         default: []
package shipshape.img.trusted_registries

import rego.v1

import data.lib.images
import data.lib.k8s
import data.lib.pods

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["image"])}} if {
	some c in pods.containers
	image := k8s.get(c.value, "image", null)
	ref := images.parse(image)
	not ref.valid
	msg := sprintf("%s has image %s, which is not a valid image reference: %s; fix the reference", [pods.label(c), json.marshal(image), ref.problem])
}

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["image"])}} if {
	some c in pods.containers
	ref := images.parse(c.value.image)
	ref.valid
	not images.registry_allowed(ref, input.parameters.allowedRegistries)
	msg := sprintf("%s pulls %q from registry %q, which is not in allowedRegistries (%s); use a trusted registry", [pods.label(c), c.value.image, ref.registry, allowed_text])
}

allowed_text := "none configured" if {
	count(input.parameters.allowedRegistries) == 0
} else := concat(", ", input.parameters.allowedRegistries)
