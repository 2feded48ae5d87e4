# METADATA
# title: Secrets are not injected as environment variables
# description: >-
#   Environment variables leak into process listings, crash dumps, child
#   processes and logs, and cannot be rotated without a restart. Secrets are
#   mounted as files (a secret volume or the Secrets Store CSI driver)
#   instead of env[].valueFrom.secretKeyRef or envFrom[].secretRef, in every
#   container list.
# custom:
#   id: SS-SEC-001
#   severity: medium
#   requirements: [SEC-01]
#   frameworks:
#     cis-k8s: ["5.4.1"]
#     cis-aks: ["4.5.1"]
#     mcsb: [DP-6]
#     nsa-cisa: [Kubernetes Pod security]
#     mitre: [T1552.007]
#   kinds: [workloads]
#   remediation: Mount the Secret as a volume (or use the Secrets Store CSI driver with Azure Key Vault) and read it from a file.
package shipshape.sec.secret_env

import rego.v1

import data.lib.pods

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["env", i, "valueFrom", "secretKeyRef"])}} if {
	some c in pods.containers
	some i, env in c.value.env
	ref := env.valueFrom.secretKeyRef
	ref != null
	msg := sprintf("%s reads Secret %v key %v into environment variable %v; mount the Secret as a file instead", [pods.label(c), object.get(ref, "name", ""), object.get(ref, "key", ""), object.get(env, "name", "")])
}

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["envFrom", i, "secretRef"])}} if {
	some c in pods.containers
	some i, source in c.value.envFrom
	ref := source.secretRef
	ref != null
	msg := sprintf("%s loads every key of Secret %v into environment variables (envFrom); mount the Secret as a file instead", [pods.label(c), object.get(ref, "name", "")])
}
