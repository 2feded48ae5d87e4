# METADATA
# title: Pod template helpers
# description: >-
#   Locates the pod spec inside every pod-bearing kind (Pod, PodTemplate,
#   ReplicationController, Deployment, StatefulSet, DaemonSet, ReplicaSet,
#   Job, CronJob) and lists every container of every container list
#   (initContainers, containers, ephemeralContainers) once, with its path, so
#   that no control can miss a kind or a list.
package lib.pods

import rego.v1

import data.lib.k8s

# template_paths maps API group and kind to the path of the pod template
# (the object that holds the pod's metadata and spec).
template_paths := {
	"": {
		"Pod": [],
		"PodTemplate": ["template"],
		"ReplicationController": ["spec", "template"],
	},
	"apps": {
		"Deployment": ["spec", "template"],
		"StatefulSet": ["spec", "template"],
		"DaemonSet": ["spec", "template"],
		"ReplicaSet": ["spec", "template"],
	},
	"batch": {
		"Job": ["spec", "template"],
		"CronJob": ["spec", "jobTemplate", "spec", "template"],
	},
}

# template_path is where the pod template sits in the object under review;
# undefined for kinds that carry no pod.
template_path := template_paths[k8s.group][k8s.resource.kind]

# is_workload is true when the object under review carries a pod spec.
is_workload if template_path

# spec_path is the path of the pod spec in the object under review.
spec_path := array.concat(template_path, ["spec"])

# spec is the pod spec; undefined when it is missing or not an object.
spec := s if {
	s := object.get(k8s.resource, spec_path, null)
	is_object(s)
}

# metadata is the pod template's metadata ({} when unset).
metadata := m if {
	m := object.get(k8s.resource, array.concat(template_path, ["metadata"]), {})
	is_object(m)
} else := {}

# annotations are the pod template's annotations ({} when unset).
annotations := k8s.get(metadata, "annotations", {})

# security_context is the pod-level securityContext ({} when unset).
security_context := sc if {
	sc := spec.securityContext
	is_object(sc)
} else := {}

# spec_field is the path of a field relative to the pod spec.
spec_field(rel) := array.concat(spec_path, rel)

# metadata_field is the path of a field relative to the pod template's metadata.
metadata_field(rel) := array.concat(array.concat(template_path, ["metadata"]), rel)

# container_lists are the pod spec fields that hold containers.
container_lists := ["initContainers", "containers", "ephemeralContainers"]

# containers holds one entry per container of every list:
# {list, index, name, path, value}.
containers contains container if {
	some list in container_lists
	entries := spec[list]
	is_array(entries)
	some i, c in entries
	is_object(c)
	container := {
		"list": list,
		"index": i,
		"name": k8s.get(c, "name", ""),
		"path": array.concat(spec_path, [list, i]),
		"value": c,
	}
}

# container_security_context is a container's securityContext ({} when unset).
container_security_context(container) := sc if {
	sc := container.value.securityContext
	is_object(sc)
} else := {}

# container_field is the path of a field relative to a container.
container_field(container, rel) := array.concat(container.path, rel)

list_nouns := {
	"initContainers": "init container",
	"containers": "container",
	"ephemeralContainers": "ephemeral container",
}

# label names a container in messages, e.g. `init container "setup" in Deployment "web"`;
# a container without a name is named by its position.
label(container) := sprintf("%s %q in %s", [list_nouns[container.list], container.name, k8s.label]) if {
	container.name != ""
} else := sprintf("unnamed %s %s[%d] in %s", [list_nouns[container.list], container.list, container.index, k8s.label])

# control_plane_static_pod is true for the control plane's static pods as
# kubeadm writes them: a Pod in kube-system labelled tier: control-plane and
# component kube-apiserver, kube-controller-manager, kube-scheduler or etcd,
# with priority class system-node-critical. All three, as Trivy KSV-0037
# reads them: any one alone is copied into a user's pod too easily. Such a
# pod runs from the node's manifest folder, so it cannot use a
# ServiceAccount (NodeRestriction refuses mirror pods that reference one)
# and must tolerate the control-plane nodes' taints.
control_plane_static_pod if {
	k8s.resource.kind == "Pod"
	k8s.namespace == "kube-system"
	k8s.labels.tier == "control-plane"
	k8s.labels.component in {"kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd"}
	spec.priorityClassName == "system-node-critical"
}

# node_agent is true for DaemonSets: one pod per node is their design, so
# they tolerate the nodes' taints to reach every node, system pools
# included (runtime detection, log and metrics collectors, CNI and CSI).
node_agent if k8s.resource.kind == "DaemonSet"

# is_windows is true for pods that declare spec.os.name: windows, which the
# Pod Security Standards exempt from Linux-only checks.
is_windows if spec.os.name == "windows"

# in_user_namespace is true for pods with hostUsers: false, which the Pod
# Security Standards relax some checks for.
in_user_namespace if spec.hostUsers == false

# service_account is the ServiceAccount the pod runs as: serviceAccountName,
# else the deprecated serviceAccount, else "default".
service_account := account(spec)

# account is the service account a pod spec runs as: serviceAccountName,
# else the deprecated serviceAccount, else "default".
account(pod_spec) := name if {
	name := k8s.get(pod_spec, "serviceAccountName", "")
	name != ""
} else := name if {
	name := k8s.get(pod_spec, "serviceAccount", "")
	name != ""
} else := "default"

# labels are the pod template's labels ({} when unset).
labels := k8s.get(metadata, "labels", {})
