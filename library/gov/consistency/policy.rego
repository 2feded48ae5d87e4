# METADATA
# title: Manifests are consistent with each other
# description: >-
#   A Service that selects no workload, an Ingress backend, autoscaler
#   target or disruption budget that names nothing, a NetworkPolicy that
#   selects no pod, or a pod that mounts a Secret, ConfigMap or service
#   account that the manifests never create, fails only when it is applied:
#   traffic goes nowhere, a policy protects nothing, a pod waits forever or
#   an account with other rights is used. References are resolved within the
#   scanned set, in the object's namespace; Secrets that SealedSecrets,
#   ExternalSecrets, cert-manager Certificates or SecretProviderClasses
#   produce count as created. A container may not define one environment
#   variable twice: the last silently wins.
# custom:
#   id: SS-GOV-003
#   severity: low
#   requirements: [GOV-06]
#   frameworks:
#     mcsb: [PV-2]
#   kinds: [workloads, Service, networking.k8s.io/Ingress, networking.k8s.io/NetworkPolicy, autoscaling/HorizontalPodAutoscaler, policy/PodDisruptionBudget]
#   sync:
#     - apps/v1/Deployment
#     - apps/v1/StatefulSet
#     - apps/v1/DaemonSet
#     - apps/v1/ReplicaSet
#     - batch/v1/Job
#     - batch/v1/CronJob
#     - v1/Pod
#     - v1/ReplicationController
#     - v1/Service
#     - v1/ServiceAccount
#     - v1/Secret
#     - v1/ConfigMap
#     - bitnami.com/v1alpha1/SealedSecret
#     - external-secrets.io/v1beta1/ExternalSecret
#     - cert-manager.io/v1/Certificate
#     - secrets-store.csi.x-k8s.io/v1/SecretProviderClass
#   admission: false
#   remediation: Add the missing object to the manifests (or fix the name or selector that points at it), mark references to objects created elsewhere optional where the API allows it, and define each environment variable once.
package shipshape.gov.consistency

import rego.v1

import data.lib.inventory
import data.lib.k8s
import data.lib.pods
import data.lib.selectors

ns := k8s.namespace

# named(group, kind) are the names of the scan's objects of a kind in the
# object's namespace, the object under review included.
named(group, kind) := {o.metadata.name | some o in inventory.namespaced(ns, group, kind)} | {k8s.name | k8s.has_kind(group, kind)}

# named_of_kind are the names of the scan's objects of a kind in any group
# (an autoscaler's scaleTargetRef may leave its apiVersion out).
named_of_kind(kind) := {name |
	some _, kinds in data.inventory.namespace[ns]
	some name, _ in kinds[kind]
}

# workload_labels are the pod labels of every workload of the scan in the
# namespace (the object under review is in the scan's inventory too).
workload_labels contains labels if {
	some group, kinds in pods.template_paths
	some kind, path in kinds
	some o in inventory.namespaced(ns, group, kind)
	labels := object.get(o, array.concat(path, ["metadata", "labels"]), {})
}

selects_a_workload(selector) if {
	some labels in workload_labels
	selectors.matches(selector, labels)
}

# A Service's selector is a plain label map.
violation contains {"msg": msg, "details": {"field": ["spec", "selector"]}} if {
	k8s.has_kind("", "Service")
	selector := k8s.resource.spec.selector
	count(selector) > 0
	not selects_a_workload({"matchLabels": selector})
	msg := sprintf("%s selects %s, which no workload in namespace %q of the scan carries, so it routes to nothing; fix the selector or add the workload", [k8s.label, json.marshal(selector), ns])
}

violation contains {"msg": msg, "details": {"field": ["spec", "podSelector"]}} if {
	selector := k8s.resource.spec.podSelector
	not selectors.selects_all(selector)
	not selects_a_workload(selector)
	msg := sprintf("%s selects pods by %s, which no workload in namespace %q of the scan carries, so it protects nothing; fix spec.podSelector", [k8s.label, json.marshal(selector), ns])
}

violation contains {"msg": msg, "details": {"field": ["spec", "selector"]}} if {
	k8s.has_kind("policy", "PodDisruptionBudget")
	selector := k8s.resource.spec.selector
	not selects_a_workload(selector)
	msg := sprintf("%s selects pods by %s, which no workload in namespace %q of the scan carries, so it protects nothing during drains; fix spec.selector", [k8s.label, json.marshal(selector), ns])
}

# Ingress backends name Services.
backends contains [path, name] if {
	some i, rule in k8s.resource.spec.rules
	some j, p in rule.http.paths
	name := p.backend.service.name
	path := ["spec", "rules", i, "http", "paths", j, "backend", "service", "name"]
}

backends contains [["spec", "defaultBackend", "service", "name"], name] if {
	name := k8s.resource.spec.defaultBackend.service.name
}

violation contains {"msg": msg, "details": {"field": path}} if {
	some [path, name] in backends
	not name in named("", "Service")
	msg := sprintf("%s sends traffic to Service %q, which the scan does not create in namespace %q; add it or fix the name", [k8s.label, name, ns])
}

violation contains {"msg": msg, "details": {"field": ["spec", "scaleTargetRef", "name"]}} if {
	target := k8s.resource.spec.scaleTargetRef
	not target.name in named_of_kind(target.kind)
	msg := sprintf("%s scales %s %q, which the scan does not create in namespace %q; add it or fix spec.scaleTargetRef", [k8s.label, target.kind, target.name, ns])
}

# Secrets come from Secrets and from the objects that write them.
secret_names := (((named("", "Secret") | named("bitnami.com", "SealedSecret")) | {n |
	some o in inventory.namespaced(ns, "external-secrets.io", "ExternalSecret")
	n := object.get(o, ["spec", "target", "name"], o.metadata.name)
}) | {n |
	some o in inventory.namespaced(ns, "cert-manager.io", "Certificate")
	n := o.spec.secretName
}) | {n |
	some o in inventory.namespaced(ns, "secrets-store.csi.x-k8s.io", "SecretProviderClass")
	some so in o.spec.secretObjects
	n := so.secretName
}

provided("Secret", name) if name in secret_names

provided("ConfigMap", name) if name in named("", "ConfigMap")

# references are the Secrets and ConfigMaps a pod needs, with their paths;
# optional ones are left out, since the pod starts without them.
references contains ["Secret", v.secret.secretName, pods.spec_field(["volumes", i, "secret", "secretName"])] if {
	some i, v in pods.spec.volumes
	not v.secret.optional
}

references contains ["ConfigMap", v.configMap.name, pods.spec_field(["volumes", i, "configMap", "name"])] if {
	some i, v in pods.spec.volumes
	not v.configMap.optional
}

references contains [kind, name, pods.spec_field(["volumes", i, "projected", "sources", j, key, "name"])] if {
	some i, v in pods.spec.volumes
	some j, source in v.projected.sources
	some key, kind in {"secret": "Secret", "configMap": "ConfigMap"}
	not source[key].optional
	name := source[key].name
}

references contains [kind, name, pods.container_field(c, ["envFrom", i, key, "name"])] if {
	some c in pods.containers
	some i, from in c.value.envFrom
	some key, kind in {"secretRef": "Secret", "configMapRef": "ConfigMap"}
	not from[key].optional
	name := from[key].name
}

references contains [kind, name, pods.container_field(c, ["env", i, "valueFrom", key, "name"])] if {
	some c in pods.containers
	some i, e in c.value.env
	some key, kind in {"secretKeyRef": "Secret", "configMapKeyRef": "ConfigMap"}
	not e.valueFrom[key].optional
	name := e.valueFrom[key].name
}

references contains ["Secret", s.name, pods.spec_field(["imagePullSecrets", i, "name"])] if {
	some i, s in pods.spec.imagePullSecrets
}

violation contains {"msg": msg, "details": {"field": field}} if {
	some [kind, name, field] in references
	not provided(kind, name)
	msg := sprintf("%s needs %s %q, which the scan does not create in namespace %q (nor does a SealedSecret, ExternalSecret, Certificate or SecretProviderClass), so its pods wait for it; add it, fix the name, or mark the reference optional", [k8s.label, kind, name, ns])
}

violation contains {"msg": msg, "details": {"field": pods.spec_field(["serviceAccountName"])}} if {
	name := pods.spec.serviceAccountName
	not name in {"", "default"}
	not name in named("", "ServiceAccount")
	msg := sprintf("%s runs as ServiceAccount %q, which the scan does not create in namespace %q, so its pods are refused until it exists; add it or fix the name", [k8s.label, name, ns])
}

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["env", j, "name"])}} if {
	some c in pods.containers
	some i, first in c.value.env
	some j, later in c.value.env
	i < j
	first.name == later.name
	not earlier_duplicate(c, i, first.name)
	msg := sprintf("%s defines environment variable %s twice (env[%d] and env[%d]); the last one silently wins, so remove one", [pods.label(c), later.name, i, j])
}

# earlier_duplicate: report each repeated name once, against its first
# definition.
earlier_duplicate(c, i, name) if {
	some k, e in c.value.env
	k < i
	e.name == name
}
