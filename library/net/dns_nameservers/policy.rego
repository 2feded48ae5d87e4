# METADATA
# title: Pods do not use unapproved DNS servers
# description: >-
#   dnsConfig.nameservers (with dnsPolicy: None they replace cluster DNS;
#   otherwise they are added to it) send the pod's name lookups to servers
#   that bypass cluster DNS policies and logging. Nameservers must be in
#   approvedNameservers.
# custom:
#   id: SS-NET-008
#   severity: medium
#   requirements: [NET-11]
#   frameworks:
#     mcsb: [NS-10]
#     mitre: [T1071.004]
#   kinds: [workloads]
#   remediation: Remove dnsConfig.nameservers and dnsPolicy None, or add the server to approvedNameservers.
#   parameters:
#     type: object
#     properties:
#       approvedNameservers:
#         type: array
#         items: {type: string}
#         default: []
package shipshape.net.dns_nameservers

import rego.v1

import data.lib.k8s
import data.lib.pods

violation contains {"msg": msg, "details": {"field": pods.spec_field(["dnsConfig", "nameservers", i])}} if {
	some i, server in pods.spec.dnsConfig.nameservers
	not server in input.parameters.approvedNameservers
	msg := sprintf("%s sends DNS lookups to %v (%s); remove it from dnsConfig.nameservers or approve it", [k8s.label, server, effect])
}

effect := "instead of cluster DNS, with dnsPolicy None" if {
	pods.spec.dnsPolicy == "None"
} else := "in addition to cluster DNS"
