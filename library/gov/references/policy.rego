# METADATA
# title: Pods use only what the manifests create, and define each variable once
# description: >-
#   A pod that mounts or reads a Secret or ConfigMap, pulls with a secret or
#   runs as a service account that the manifests never create waits forever
#   when it is applied, or runs with an account that has other rights.
#   References are resolved within the scanned set, in the pod's namespace;
#   Secrets that SealedSecrets, ExternalSecrets, cert-manager Certificates or
#   SecretProviderClasses produce count as created, and optional references
#   are left out. A container may not define one environment variable twice:
#   the last silently wins.
# custom:
#   id: SS-GOV-004
#   severity: low
#   requirements: [GOV-06]
#   frameworks:
#     mcsb: [PV-2]
#   kinds: [workloads]
#   sync:
#     - v1/ServiceAccount
#     - v1/Secret
#     - v1/ConfigMap
#     - bitnami.com/v1alpha1/SealedSecret
#     - external-secrets.io/v1beta1/ExternalSecret
#     - cert-manager.io/v1/Certificate
#     - secrets-store.csi.x-k8s.io/v1/SecretProviderClass
#   admission: false
#   remediation: Add the missing object to the manifests (or fix the name that points at it), mark references to objects created elsewhere optional where the API allows it, and define each environment variable once.
package shipshape.gov.references

import rego.v1

import data.lib.inventory
import data.lib.k8s
import data.lib.pods

ns := k8s.namespace

# named(group, kind) are the names of the scan's objects of a kind in the
# pod's namespace.
named(group, kind) := {o.metadata.name | some o in inventory.namespaced(ns, group, kind)}

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

violation contains {"msg": msg, "details": {"field": pods.spec_field([account_field])}} if {
	name := pods.service_account
	name != "default"
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

# account_field is where the pod names its ServiceAccount: serviceAccountName,
# or the deprecated serviceAccount the API server still reads.
account_field := "serviceAccountName" if {
	k8s.get(pods.spec, "serviceAccountName", "") != ""
} else := "serviceAccount"

# earlier_duplicate: report each repeated name once, against its first
# definition.
earlier_duplicate(c, i, name) if {
	some k, e in c.value.env
	k < i
	e.name == name
}
