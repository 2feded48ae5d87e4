# METADATA
# title: The API server writes an audit log that records Secrets at Metadata level
# description: >-
#   A self-managed kube-apiserver must write audit events (--audit-log-path)
#   under a policy (--audit-policy-file). The audit Policy must have rules,
#   and the rules that apply to Secrets must record them at Metadata level:
#   Request or RequestResponse would copy Secret values into the log, and
#   None would leave Secret access unaudited. Rules apply first match first,
#   so a rule limited to some users, verbs or namespaces still matters when
#   it comes before the general one.
# custom:
#   id: SS-CP-006
#   severity: medium
#   requirements: [LOG-04]
#   frameworks:
#     cis-k8s: ["1.2.16", "3.2.1", "3.2.2"]
#     mcsb: [LT-3, LT-4]
#   kinds: [Pod, audit.k8s.io/Policy]
#   admission: false
#   remediation: Set --audit-log-path and --audit-policy-file, and begin the audit Policy with a rule that records secrets (and configmaps) at level Metadata.
package shipshape.cp.audit_logging

import rego.v1

import data.lib.apiserver
import data.lib.k8s
import data.lib.pods

# applies: the kube-apiserver Pod and the configuration file it reads.
applies if count(apiserver.containers) > 0

applies if is_policy

required_flags := ["audit-log-path", "audit-policy-file"]

violation contains {"msg": msg, "details": {"field": field}} if {
	some c in apiserver.containers
	some flag in required_flags
	not apiserver.has(c, flag)
	field := apiserver.flag_field(c, flag)
	msg := sprintf("%s does not set --%s; the API server must write audit events under an audit policy", [pods.label(c), flag])
}

is_policy if k8s.has_kind("audit.k8s.io", "Policy")

rules := [r | some r in k8s.get(k8s.resource, "rules", []); is_object(r)]

violation contains {"msg": msg, "details": {"field": ["rules"]}} if {
	is_policy
	count(rules) == 0
	msg := sprintf("%s has no rules, so it records nothing; add rules, starting with secrets at level Metadata", [k8s.label])
}

# applies_to_secrets is true when a rule can match requests for Secrets:
# it names no resources (and no non-resource URLs), or names secrets (or
# every resource) in the core group.
applies_to_secrets(rule) if {
	count(k8s.get(rule, "resources", [])) == 0
	count(k8s.get(rule, "nonResourceURLs", [])) == 0
}

applies_to_secrets(rule) if {
	some r in k8s.get(rule, "resources", [])
	k8s.get(r, "group", "") == ""
	names := k8s.get(r, "resources", [])
	covers(names)
}

covers(names) if count(names) == 0

covers(names) if {
	some n in names
	n in {"secrets", "secrets/*", "*", "*/*"}
}

# restricted rules match only some requests.
restricted(rule) if {
	some key in ["users", "userGroups", "verbs", "namespaces"]
	count(k8s.get(rule, key, [])) > 0
}

secrets_rules := [i | some i, r in rules; applies_to_secrets(r)]

general := [i | some i in secrets_rules; not restricted(rules[i])]

level(i) := k8s.get(rules[i], "level", "")

# Rules that can record Secret bodies, up to the first general rule.
violation contains {"msg": msg, "details": {"field": ["rules", i, "level"]}} if {
	is_policy
	some i in secrets_rules
	level(i) in {"Request", "RequestResponse"}
	not before_general(i)
	msg := sprintf("%s rule %d records secrets at level %s, copying their values into the audit log; use Metadata", [k8s.label, i, level(i)])
}

before_general(i) if {
	count(general) > 0
	general[0] < i
}

violation contains {"msg": msg, "details": {"field": ["rules", i, "level"]}} if {
	is_policy
	count(rules) > 0
	i := general[0]
	not level(i) in {"Metadata", "Request", "RequestResponse"}
	msg := sprintf("%s rule %d, the first to cover all secrets, has level %s, so Secret access goes unaudited; use Metadata", [k8s.label, i, json.marshal(level(i))])
}

violation contains {"msg": msg, "details": {"field": ["rules"]}} if {
	is_policy
	count(rules) > 0
	count(general) == 0
	msg := sprintf("%s has no rule that covers every request for secrets; add one at level Metadata", [k8s.label])
}
