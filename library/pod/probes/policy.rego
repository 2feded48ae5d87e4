# METADATA
# title: Long-running containers have liveness and readiness probes
# description: >-
#   Without probes Kubernetes sends traffic to containers that are not ready
#   and never restarts hung ones. Every container of a long-running workload
#   (Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController,
#   or a Pod that restarts always) and every native sidecar (an init
#   container with restartPolicy Always) needs a livenessProbe and a
#   readinessProbe. Jobs, CronJobs and run-to-completion Pods are exempt.
# custom:
#   id: SS-POD-008
#   severity: low
#   requirements: [POD-12]
#   frameworks:
#     mcsb: [BR-1]
#   kinds: [Pod, ReplicationController, apps/Deployment, apps/StatefulSet, apps/DaemonSet, apps/ReplicaSet]
#   remediation: Add a livenessProbe and a readinessProbe (httpGet, tcpSocket, grpc or exec) to the container.
package shipshape.pod.probes

import rego.v1

import data.lib.k8s
import data.lib.pods

long_running if k8s.resource.kind != "Pod"

long_running if {
	k8s.resource.kind == "Pod"
	k8s.get(pods.spec, "restartPolicy", "Always") == "Always"
}

judged contains c if {
	some c in pods.containers
	c.list == "containers"
}

judged contains c if {
	some c in pods.containers
	c.list == "initContainers"
	c.value.restartPolicy == "Always"
}

violation contains {"msg": msg, "details": {"field": pods.container_field(c, [probe])}} if {
	long_running
	some c in judged
	some probe in ["livenessProbe", "readinessProbe"]
	k8s.get(c.value, probe, null) == null
	msg := sprintf("%s has no %s; add one so Kubernetes can %s", [pods.label(c), probe, purpose[probe]])
}

purpose := {"livenessProbe": "restart it when it hangs", "readinessProbe": "keep traffic away until it is ready"}
