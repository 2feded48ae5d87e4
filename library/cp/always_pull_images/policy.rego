# METADATA
# title: The API server enables the AlwaysPullImages admission plugin
# description: >-
#   AlwaysPullImages forces every new pod to pull its images, so a pod cannot
#   use an image another tenant pulled onto the node without credentials for
#   it. It must be listed in --enable-admission-plugins (every occurrence
#   counts) and not in --disable-admission-plugins.
# custom:
#   id: SS-CP-004
#   severity: medium
#   requirements: [IMG-03]
#   frameworks:
#     cis-k8s: ["1.2.11"]
#   kinds: [Pod]
#   admission: false
#   remediation: Add AlwaysPullImages to --enable-admission-plugins of kube-apiserver.
package shipshape.cp.always_pull_images

import rego.v1

import data.lib.apiserver
import data.lib.pods

# applies: only the kube-apiserver Pod is this control's to judge.
applies if count(apiserver.containers) > 0

plugin := "AlwaysPullImages"

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in apiserver.containers
	not plugin in apiserver.list(c, "enable-admission-plugins")
	field := apiserver.flag_field(c, "enable-admission-plugins")
	msg := sprintf("%s does not list %s in --enable-admission-plugins; add it so every pod pulls its images", [pods.label(c), plugin])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in apiserver.containers
	plugin in apiserver.list(c, "disable-admission-plugins")
	field := apiserver.field(c, "disable-admission-plugins")
	msg := sprintf("%s lists %s in --disable-admission-plugins; remove it there and enable it", [pods.label(c), plugin])
}
