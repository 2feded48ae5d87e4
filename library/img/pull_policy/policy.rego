# METADATA
# title: Images are pulled on every start
# description: >-
#   With imagePullPolicy Always the kubelet checks the registry, and the
#   pod's credentials, each time a container starts, so a pod cannot reuse a
#   private image another tenant pulled onto the node. An unset policy is
#   judged as Kubernetes defaults it. A digest-pinned image cannot change, so
#   IfNotPresent is accepted for it unless digestPinnedSatisfies is false
#   (multi-tenant nodes).
# custom:
#   id: SS-IMG-003
#   severity: low
#   requirements: [IMG-03]
#   frameworks:
#     cis-k8s: ["1.2.11"]
#     mcsb: [DS-6]
#   kinds: [workloads]
#   remediation: Set imagePullPolicy to Always (or enable the AlwaysPullImages admission plugin on the API server), or pin the image by digest.
#   parameters:
#     type: object
#     additionalProperties: false
#     properties:
#       digestPinnedSatisfies:
#         description: Accept IfNotPresent for images pinned by digest.
#         type: boolean
#         default: true
package shipshape.img.pull_policy

import rego.v1

import data.lib.images
import data.lib.k8s
import data.lib.pods

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["imagePullPolicy"])}} if {
	some c in pods.containers
	policy := effective(c)
	policy != "Always"
	not pinned_accepted(c, policy)
	msg := sprintf("%s pulls with imagePullPolicy %s; set imagePullPolicy to Always or pin the image by digest", [pods.label(c), policy])
}

# pinned_accepted: a digest-pinned image that is pulled when missing.
pinned_accepted(c, policy) if {
	object.get(input.parameters, "digestPinnedSatisfies", true) == true
	startswith(policy, "IfNotPresent")
	images.parse(c.value.image).digest != ""
}

effective(c) := policy if {
	policy := k8s.get(c.value, "imagePullPolicy", "")
	policy != ""
} else := "Always" if {
	ref := images.parse(c.value.image)
	ref.tag == "latest"
} else := "Always" if {
	ref := images.parse(c.value.image)
	ref.tag == ""
	ref.digest == ""
} else := "IfNotPresent (the default for this image)"
