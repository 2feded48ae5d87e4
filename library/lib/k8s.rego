# METADATA
# title: Kubernetes object helpers
# description: >-
#   Identity, null-safe field access and field-path rendering for the object
#   under review (input.review.object), shared by every control.
package lib.k8s

import rego.v1

# resource is the object under review.
resource := input.review.object

# group is the API group that serves the object's kind today: the group of
# its apiVersion ("" for the core group), with a legacy group folded into the
# current one (extensions/v1beta1 DaemonSet: apps), so old manifests are
# judged by their shape.
group := current_group(api_group(resource.apiVersion), resource.kind)

# legacy_groups maps a group Kubernetes no longer serves for a kind to the
# group that serves it now (engine/input/apiversions.go holds the same table).
legacy_groups := {"extensions": {
	"DaemonSet": "apps",
	"Deployment": "apps",
	"ReplicaSet": "apps",
	"NetworkPolicy": "networking.k8s.io",
	"Ingress": "networking.k8s.io",
	"PodSecurityPolicy": "policy",
}}

# current_group returns the group that serves kind today.
current_group(g, kind) := legacy_groups[g][kind]

current_group(g, kind) := g if not legacy_groups[g][kind]

# api_group returns the group part of an apiVersion ("" for "v1").
api_group(api_version) := parts[0] if {
	parts := split(api_version, "/")
	count(parts) == 2
} else := ""

# name is metadata.name, or "" when unset.
name := get(get(resource, "metadata", {}), "name", "")

# namespace is where the object lands: the admission request's namespace
# ("default" for a namespaced object that names none, "" when cluster-scoped).
namespace := ns if {
	ns := input.review.namespace
	is_string(ns)
} else := get(get(resource, "metadata", {}), "namespace", "")

# labels are the object's labels ({} when unset).
labels := get(get(resource, "metadata", {}), "labels", {})

# annotations are the object's annotations ({} when unset).
annotations := get(get(resource, "metadata", {}), "annotations", {})

# has_kind is true when the object under review has this API group and kind.
has_kind(api_group_name, kind) if {
	group == api_group_name
	resource.kind == kind
}

# label names the object in messages, e.g. `Deployment "web"`, or
# `unnamed Deployment` rather than an empty `Deployment ""`.
label := sprintf("%s %q", [resource.kind, name]) if {
	name != ""
} else := sprintf("unnamed %s", [resource.kind])

# get returns obj[key], or fallback when obj is not an object or the key is
# absent or null (Kubernetes treats an explicit null as unset).
get(obj, key, fallback) := obj[key] if {
	is_object(obj)
	obj[key] != null
} else := fallback

# path_string renders a field path for people:
# ["spec", "containers", 0, "image"] -> "spec.containers[0].image".
path_string(path) := concat("", [segment(i, s) | some i, s in path])

# segment renders one path element, an index (a number) or a key (a
# string: object keys are strings); an else chain, so each element costs
# one regex match at most.
segment(i, s) := sprintf("[%d]", [s]) if {
	is_number(s)
} else := sprintf("[%q]", [s]) if {
	regex.match(`[./]`, s)
} else := s if {
	i == 0
} else := concat("", [".", s])
