# METADATA
# title: The default /proc mount is kept
# description: >-
#   Pod Security Standards, Baseline, "/proc Mount Type": the default /proc
#   masks reduce the kernel surface a container sees. securityContext.procMount
#   must be unset or Default in every container, unless the pod runs in a user
#   namespace (spec.hostUsers: false).
# custom:
#   id: SS-PSS-010
#   severity: high
#   requirements: [POD-01]
#   frameworks:
#     pss: baseline
#     mcsb: [PV-2]
#     mitre: [T1611]
#   kinds: [workloads]
#   remediation: Remove securityContext.procMount (or set it to Default), or run the pod with hostUsers false.
package shipshape.pss.proc_mount

import rego.v1

import data.lib.pods

violation contains {"msg": msg, "details": {"field": field}} if {
	not pods.in_user_namespace
	some c in pods.containers
	proc_mount := pods.container_security_context(c).procMount
	not proc_mount in {"Default", null}
	field := pods.container_field(c, ["securityContext", "procMount"])
	msg := sprintf("%s sets securityContext.procMount to %v; remove it or set it to Default (or run the pod with hostUsers: false)", [pods.label(c), proc_mount])
}
