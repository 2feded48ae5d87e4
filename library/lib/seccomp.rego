# METADATA
# title: Seccomp profile helpers
# description: >-
#   Every seccompProfile set on the pod or on a container, shared by the
#   Baseline and Restricted seccomp controls.
package lib.seccomp

import rego.v1

import data.lib.k8s
import data.lib.pods

# valid_types are the seccomp profile types the Pod Security Standards allow.
valid_types := {"RuntimeDefault", "Localhost"}

# settings holds each seccompProfile that is set: {owner, field, name, type},
# where name is the field as the owner's message should say it. The controls
# judge the type against valid_types themselves.
settings contains setting if {
	profile := pods.security_context.seccompProfile
	profile != null
	field := pods.spec_field(["securityContext", "seccompProfile", "type"])
	setting := {
		"owner": k8s.label,
		"field": field,
		"name": k8s.path_string(field),
		"type": k8s.get(profile, "type", ""),
	}
}

settings contains setting if {
	some c in pods.containers
	profile := pods.container_security_context(c).seccompProfile
	profile != null
	setting := {
		"owner": pods.label(c),
		"field": pods.container_field(c, ["securityContext", "seccompProfile", "type"]),
		"name": "securityContext.seccompProfile.type",
		"type": k8s.get(profile, "type", ""),
	}
}

# pod_profile_valid is true when the pod-level profile is set to a valid type,
# which containers without their own profile inherit.
pod_profile_valid if pods.security_context.seccompProfile.type in valid_types

# containers_without_profile are containers that set no seccompProfile.
containers_without_profile contains c if {
	some c in pods.containers
	k8s.get(pods.container_security_context(c), "seccompProfile", null) == null
}
