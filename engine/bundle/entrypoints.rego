# METADATA
# title: shipshape decision entrypoints
# description: >-
#   What an OPA loaded with the shipshape bundle answers. data.shipshape.violations
#   judges one Kubernetes object (the input) as `shipshape scan` does;
#   data.shipshape.admission answers an admission.k8s.io/v1 AdmissionReview
#   (the input) with the AdmissionReview response, so OPA can serve as a
#   validating webhook. Controls that read the inventory judge against
#   data.inventory, in Gatekeeper's sync layout, when the host provides it.
package shipshape

import rego.v1

import data.shipshape_lib.namespaces

config := data.shipshape_config

# METADATA
# title: Violations of one Kubernetes object
# description: >-
#   input is one Kubernetes object. The result lists
#   {control, severity, message, requirements}, sorted, exactly as
#   `shipshape scan` reports them for that object.
# entrypoint: true
violations := [f | some f in found] if {
	found := findings with input as object_review
}

# METADATA
# title: AdmissionReview response
# description: >-
#   input is an admission.k8s.io/v1 AdmissionReview. The result is the
#   AdmissionReview with the response: the request's uid, allowed, and for
#   denials status.message listing them ("[control] message", one a line);
#   violations of warn-level controls come back as warnings.
# entrypoint: true
admission := {
	"apiVersion": "admission.k8s.io/v1",
	"kind": "AdmissionReview",
	"response": object.union(
		object.union(
			{"uid": input.request.uid, "allowed": count(denials) == 0},
			denial_status,
		),
		warning_list,
	),
}

admission_findings := found if {
	found := findings with input as request_review
}

denials := [line(f) | some f in admission_findings; action(f.control) == "deny"]

warnings := [line(f) | some f in admission_findings; action(f.control) == "warn"]

denial_status := {"status": {"code": 403, "reason": "Forbidden", "message": concat("\n", denials)}} if {
	count(denials) > 0
} else := {}

warning_list := {"warnings": warnings} if {
	count(warnings) > 0
} else := {}

line(f) := sprintf("[%s] %s", [f.control, f.message])

action(id) := config.controls[id].enforcementAction

# object_review is the Gatekeeper review of one object, as `shipshape scan`
# builds it: a CREATE in the object's namespace ("default" when a namespaced
# object names none).
object_review := {
	"review": {
		"kind": {"group": group, "version": version, "kind": object.get(input, "kind", "")},
		"name": object.get(object.get(input, "metadata", {}), "name", ""),
		"namespace": effective_namespace,
		"operation": "CREATE",
		"object": input,
		"userInfo": {"username": "", "groups": []},
	},
	"parameters": {},
}

api_version := v if {
	v := input.apiVersion
	is_string(v)
} else := ""

group := parts[0] if {
	parts := split(api_version, "/")
	count(parts) == 2
} else := ""

version := parts[count(parts) - 1] if {
	parts := split(api_version, "/")
	count(parts) <= 2
} else := ""

effective_namespace := "" if {
	cluster_scoped
} else := ns if {
	ns := input.metadata.namespace
	is_string(ns)
	ns != ""
} else := "default"

cluster_scoped if group == config.clusterScopedGroup

cluster_scoped if concat("/", [group, object.get(input, "kind", "")]) in config.clusterScopedKinds

# request_review is the Gatekeeper review of an admission request.
request_review := {
	"review": {
		"kind": input.request.kind,
		"name": object.get(input.request, "name", ""),
		"namespace": object.get(input.request, "namespace", ""),
		"operation": object.get(input.request, "operation", ""),
		"object": object.get(input.request, "object", null),
		"oldObject": object.get(input.request, "oldObject", null),
		"userInfo": object.get(input.request, "userInfo", {}),
	},
	"parameters": {},
}

# applicable are the controls that judge the reviewed kind, looked up by
# "group/Kind" (wildcards included) in an index the bundle carries.
applicable := {id |
	some key in kind_keys
	some id in object.get(config.byKind, key, [])
}

kind_keys := {
	concat("/", [input.review.kind.group, input.review.kind.kind]),
	concat("/", ["*", input.review.kind.kind]),
	concat("/", [input.review.kind.group, "*"]),
	"*/*",
}

# excluded are the controls that skip the object's namespace (a Namespace
# by its own name). Controls share their exclusion lists, so each list is
# matched once.
excluded := {id |
	scope_namespace != ""
	some group in config.exclusions
	namespaces.matches_any(scope_namespace, group.patterns)
	some id in group.controls
}

# Both sets are complete rules, evaluated once per decision rather than once
# per control.
judged(id) if {
	id in applicable
	not id in excluded
}

scope_namespace := name if {
	input.review.kind.group == ""
	input.review.kind.kind == "Namespace"
	name := input.review.object.metadata.name
	is_string(name)
} else := input.review.namespace

finding(id, v) := {
	"control": id,
	"severity": config.controls[id].severity,
	"message": v.msg,
	"requirements": config.controls[id].requirements,
}
