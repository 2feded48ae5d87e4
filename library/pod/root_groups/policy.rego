# METADATA
# title: Containers do not run with a root group
# description: >-
#   A process whose primary or supplementary group is 0 (root) reads and
#   writes every file the root group owns, in the image and on the volumes
#   the kubelet chowns for fsGroup. runAsGroup and fsGroup must not be 0 and
#   supplementalGroups must not hold 0, on the pod or on any container.
#   Unset is root too for most images: the runtime takes the image user's
#   primary group, 0 when the user is not in /etc/passwd. Windows pods have
#   no runAsGroup.
# custom:
#   id: SS-POD-010
#   severity: medium
#   requirements: [POD-14]
#   frameworks:
#     nsa-cisa: ["Non-root containers"]
#     mitre: ["T1068"]
#   kinds: [workloads]
#   remediation: Set runAsGroup and fsGroup to a non-zero GID (for example 10001) and remove 0 from supplementalGroups.
package shipshape.pod.root_groups

import rego.v1

import data.lib.k8s
import data.lib.pods

# pod_group_fields are the pod-level securityContext fields that name one group.
pod_group_fields := ["runAsGroup", "fsGroup"]

violation contains {"msg": msg, "details": {"field": field}} if {
	some name in pod_group_fields
	pods.security_context[name] == 0
	field := pods.spec_field(["securityContext", name])
	msg := sprintf("%s sets %s to 0 (the root group); use a non-zero GID", [k8s.label, k8s.path_string(field)])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	groups := pods.security_context.supplementalGroups
	is_array(groups)
	some i, gid in groups
	gid == 0
	field := pods.spec_field(["securityContext", "supplementalGroups", i])
	msg := sprintf("%s lists 0 (the root group) in %s; remove it", [k8s.label, k8s.path_string(field)])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in pods.containers
	pods.container_security_context(c).runAsGroup == 0
	field := pods.container_field(c, ["securityContext", "runAsGroup"])
	msg := sprintf("%s sets securityContext.runAsGroup to 0 (the root group); use a non-zero GID", [pods.label(c)])
}

# The pod's runAsGroup is the default of every container that sets none;
# one finding per pod names the containers left with the image's group.
violation contains {"msg": msg, "details": {"field": pods.spec_field(["securityContext", "runAsGroup"])}} if {
	not pods.is_windows
	not group_set(pods.security_context)
	unset := [c.value.name | some c in pods.containers; not group_set(pods.container_security_context(c))]
	count(unset) > 0
	msg := sprintf("%s sets no runAsGroup for %s %s, so the image's group applies: root (0) unless the image's user has another primary group; set spec.securityContext.runAsGroup to a non-zero GID", [k8s.label, plural[count(unset) == 1], concat(", ", [sprintf("%q", [name]) | some name in sort(unset)])])
}

plural := {true: "container", false: "containers"}

group_set(sc) if is_number(sc.runAsGroup)
