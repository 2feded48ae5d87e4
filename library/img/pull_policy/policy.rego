# METADATA
# title: Images are pulled on every start
# description: >-
#   With imagePullPolicy Always the kubelet checks the registry, and the
#   pod's credentials, each time a container starts, so a pod cannot reuse a
#   private image another tenant pulled onto the node. An unset policy is
#   judged as Kubernetes defaults it: Always for the latest tag or no tag and
#   no digest, IfNotPresent otherwise.
# custom:
#   id: SS-IMG-003
#   severity: low
#   requirements: [IMG-03]
#   frameworks:
#     cis-k8s: ["1.2.11"]
#     mcsb: [DS-6]
#   kinds: [workloads]
#   remediation: Set imagePullPolicy to Always (or enable the AlwaysPullImages admission plugin on the API server).
package shipshape.img.pull_policy

import rego.v1

import data.lib.images
import data.lib.k8s
import data.lib.pods

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["imagePullPolicy"])}} if {
	some c in pods.containers
	policy := effective(c)
	policy != "Always"
	msg := sprintf("%s pulls with imagePullPolicy %s; set imagePullPolicy to Always", [pods.label(c), policy])
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
