# METADATA
# title: Workloads carry the required labels
# description: >-
#   Labels such as app tie workloads to owners, selectors, network policies
#   and dashboards. Every workload, and for controllers also its pod
#   template, carries each label in labels with a non-empty value, or one of
#   its equivalentLabels (app is satisfied by the recommended
#   app.kubernetes.io/name that Helm charts set). Namespaces carry each of
#   namespaceLabels (an owner, a cost centre), as gatekeeper-library's
#   k8srequiredlabels sample asks of them.
# custom:
#   id: SS-POD-007
#   severity: low
#   requirements: [POD-11]
#   frameworks:
#     mcsb: [AM-2]
#   kinds: [workloads, Namespace]
#   remediation: Add the labels to metadata.labels (and to the pod template's metadata.labels); label Namespaces with namespaceLabels.
#   parameters:
#     type: object
#     properties:
#       labels: {type: array, items: {type: string}, default: [app]}
#       equivalentLabels:
#         description: Labels that satisfy a required label, by required label.
#         type: object
#         additionalProperties: {type: array, items: {type: string}}
#         default: {app: [app.kubernetes.io/name]}
#       namespaceLabels:
#         description: Labels every Namespace carries with a non-empty value ([] asks for none).
#         type: array
#         items: {type: string}
#         default: []
package shipshape.pod.required_labels

import rego.v1

import data.lib.k8s
import data.lib.pods

# places are the label sets to check: the object's (a workload's or a
# Namespace's, the control's only kinds) and, for controllers, the pod
# template's.
places contains [["metadata", "labels"], k8s.labels]

places contains [pods.metadata_field(["labels"]), pods.labels] if {
	count(pods.template_path) > 0
}

violation contains {"msg": msg, "details": {"field": path}} if {
	some [path, labels] in places
	some name in required
	accepted := array.concat([name], object.get(object.get(input.parameters, "equivalentLabels", {}), name, []))
	not any_non_empty(labels, accepted)
	msg := sprintf("%s is missing label %q%s in %s; add it", [k8s.label, name, alternatives(accepted), k8s.path_string(path)])
}

any_non_empty(labels, names) if {
	some name in names
	non_empty(labels, name)
}

alternatives(accepted) := "" if count(accepted) == 1

alternatives(accepted) := sprintf(" (or %s)", [concat(", ", array.slice(accepted, 1, count(accepted)))]) if count(accepted) > 1

non_empty(labels, name) if {
	value := labels[name]
	is_string(value)
	value != ""
}

# required are the labels asked of the object under review.
required := input.parameters.namespaceLabels if {
	k8s.has_kind("", "Namespace")
} else := input.parameters.labels
