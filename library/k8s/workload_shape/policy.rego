# METADATA
# title: Workloads are well-formed enough to judge
# description: >-
#   A pod-bearing object whose pod spec, container lists or security-relevant
#   fields have the wrong shape or type cannot be judged by the other
#   controls; the API server would reject it or read it differently. Instead
#   of letting such an object pass silently (a quoted "true", a container map
#   instead of a list, a string where a list of capabilities belongs), this
#   control reports every malformed field.
# custom:
#   id: SS-K8S-001
#   severity: high
#   requirements: [GOV-02]
#   frameworks:
#     mcsb: [PV-2]
#   kinds: [workloads]
#   remediation: Fix the field's type as the Kubernetes API defines it (booleans and numbers unquoted, lists as YAML sequences).
package shipshape.k8s.workload_shape

import rego.v1

import data.lib.k8s
import data.lib.pods

# pod_field_types maps a path in the pod spec to the types of the fields
# under it. Literal maps, so that checking an object looks up only the keys
# it has (a comprehension here would be rebuilt for every object).
pod_field_types := {
	[]: {
		"hostNetwork": "boolean",
		"hostPID": "boolean",
		"hostIPC": "boolean",
		"hostUsers": "boolean",
		"os": "object",
		"volumes": "array",
		"securityContext": "object",
		"automountServiceAccountToken": "boolean",
		"serviceAccountName": "string",
	},
	["os"]: {"name": "string"},
	["securityContext"]: object.union(security_context_types, {"sysctls": "array"}),
	["securityContext", "seccompProfile"]: {"type": "string"},
	["securityContext", "appArmorProfile"]: {"type": "string"},
	["securityContext", "seLinuxOptions"]: selinux_types,
	["securityContext", "windowsOptions"]: {"hostProcess": "boolean"},
}

# container_field_types is pod_field_types for a container.
container_field_types := {
	[]: {
		"name": "string",
		"image": "string",
		"ports": "array",
		"securityContext": "object",
		"lifecycle": "object",
		"livenessProbe": "object",
		"readinessProbe": "object",
		"startupProbe": "object",
	},
	["securityContext"]: object.union(security_context_types, {
		"privileged": "boolean",
		"allowPrivilegeEscalation": "boolean",
		"readOnlyRootFilesystem": "boolean",
		"procMount": "string",
		"capabilities": "object",
	}),
	["securityContext", "capabilities"]: {"add": "string-array", "drop": "string-array"},
	["securityContext", "seccompProfile"]: {"type": "string"},
	["securityContext", "appArmorProfile"]: {"type": "string"},
	["securityContext", "seLinuxOptions"]: selinux_types,
	["securityContext", "windowsOptions"]: {"hostProcess": "boolean"},
}

# security_context_types apply to the pod's and every container's securityContext.
security_context_types := {
	"runAsNonRoot": "boolean",
	"runAsUser": "integer",
	"runAsGroup": "integer",
	"seccompProfile": "object",
	"appArmorProfile": "object",
	"seLinuxOptions": "object",
	"windowsOptions": "object",
}

selinux_types := {"type": "string", "user": "string", "role": "string"}

# mistyped holds a [relative path, value, type] entry for every field of
# node whose value does not have the type types gives it.
mistyped(node, types) := {[array.concat(parent, [key]), value, type] |
	some parent, fields in types
	under := object.get(node, parent, null)
	is_object(under)
	some key, value in under
	type := fields[key]
	value != null
	not has_type(value, type)
}

violation contains {"msg": msg, "details": {"field": pods.spec_path}} if {
	pods.is_workload
	spec := object.get(k8s.resource, pods.spec_path, null)
	not is_object(spec)
	msg := sprintf("%s has no pod spec at %s (found %s), so no control can judge it; add the pod template", [k8s.label, k8s.path_string(pods.spec_path), type_name(spec)])
}

# A pod without containers runs nothing the container controls could judge,
# and the API server refuses it: a shape error, not a pass.
violation contains {"msg": msg, "details": {"field": pods.spec_field(["containers"])}} if {
	is_object(pods.spec)
	object.get(pods.spec, "containers", null) in {null, []}
	msg := sprintf("%s has no containers at %s; the API server refuses a pod without one, and no container control can judge it", [k8s.label, k8s.path_string(pods.spec_field(["containers"]))])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	pods.is_workload
	metadata := object.get(k8s.resource, array.concat(pods.template_path, ["metadata"]), null)
	not metadata == null
	not is_object(metadata)
	field := pods.metadata_field([])
	msg := sprintf("%s has %s of type %s; it must be a mapping", [k8s.label, k8s.path_string(field), type_name(metadata)])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some [rel, value, type] in mistyped(pods.spec, pod_field_types)
	field := pods.spec_field(rel)
	msg := wrong_type(k8s.label, k8s.path_string(field), value, type)
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some list in pods.container_lists
	entries := pods.spec[list]
	entries != null
	not is_array(entries)
	field := pods.spec_field([list])
	msg := sprintf("%s has %s of type %s; it must be a list of containers, or its containers cannot be judged", [k8s.label, k8s.path_string(field), type_name(entries)])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some list in pods.container_lists
	some i, entry in pods.spec[list]
	is_array(pods.spec[list])
	not is_object(entry)
	field := pods.spec_field([list, i])
	msg := sprintf("%s has %s of type %s; each container must be a mapping", [k8s.label, k8s.path_string(field), type_name(entry)])
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in pods.containers
	some [rel, value, type] in mistyped(c.value, container_field_types)
	field := pods.container_field(c, rel)
	msg := wrong_type(pods.label(c), k8s.path_string(rel), value, type)
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in pods.containers
	some i, port in c.value.ports
	not is_object(port)
	field := pods.container_field(c, ["ports", i])
	msg := wrong_type(pods.label(c), k8s.path_string(["ports", i]), port, "object")
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in pods.containers
	some i, port in c.value.ports
	some name in ["hostPort", "containerPort"]
	value := object.get(port, name, null)
	value != null
	not has_type(value, "integer")
	field := pods.container_field(c, ["ports", i, name])
	msg := wrong_type(pods.label(c), k8s.path_string(["ports", i, name]), value, "integer")
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some i, entry in pods.spec.volumes
	not is_object(entry)
	field := pods.spec_field(["volumes", i])
	msg := wrong_type(k8s.label, k8s.path_string(field), entry, "object")
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some i, entry in pods.security_context.sysctls
	not is_object(entry)
	field := pods.spec_field(["securityContext", "sysctls", i])
	msg := wrong_type(k8s.label, k8s.path_string(field), entry, "object")
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some i, entry in pods.security_context.sysctls
	value := object.get(entry, "name", null)
	value != null
	not is_string(value)
	field := pods.spec_field(["securityContext", "sysctls", i, "name"])
	msg := wrong_type(k8s.label, k8s.path_string(field), value, "string")
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some key, value in pods.annotations
	not is_string(value)
	field := pods.metadata_field(["annotations", key])
	msg := wrong_type(k8s.label, k8s.path_string(field), value, "string")
}

wrong_type(owner, field, value, type) := sprintf(
	"%s has %s set to %s of type %s; it must be %s, or no control can judge it",
	[owner, field, json.marshal(value), type_name(value), type_article[type]],
)

type_article := {
	"boolean": "a boolean (true or false, unquoted)",
	"integer": "an integer (unquoted)",
	"string": "a string",
	"object": "a mapping",
	"array": "a list",
	"string-array": "a list of strings",
}

has_type(value, "boolean") if is_boolean(value)

has_type(value, "string") if is_string(value)

has_type(value, "object") if is_object(value)

has_type(value, "array") if is_array(value)

has_type(value, "integer") if {
	is_number(value)
	round(value) == value
}

has_type(value, "string-array") if {
	is_array(value)
	every e in value {
		is_string(e)
	}
}
