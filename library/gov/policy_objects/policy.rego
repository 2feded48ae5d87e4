# METADATA
# title: Gatekeeper constraints enforce, and allowed repositories end at a boundary
# description: >-
#   A constraint left in dryrun or warn admits what it was written to stop.
#   An allowed-repository prefix that does not end at "/" is matched as a
#   string prefix by gatekeeper-library's K8sAllowedRepos, so
#   contoso.azurecr.io also admits contoso.azurecr.io.attacker.example/x.
#   Gatekeeper constraints in the input must set enforcementAction deny (or
#   leave it unset), and each repos entry of a K8sAllowedRepos constraint
#   must end with "/".
# custom:
#   id: SS-GOV-001
#   severity: medium
#   requirements: [GOV-05]
#   frameworks:
#     mitre: ["T1562"]
#   kinds: [constraints.gatekeeper.sh/*]
#   remediation: Set spec.enforcementAction to deny once a dryrun has shown what it would stop, and end every allowed repository with "/" (contoso.azurecr.io/).
package shipshape.gov.policy_objects

import rego.v1

import data.lib.k8s

violation contains {"msg": msg, "details": {"field": ["spec", "enforcementAction"]}} if {
	action := k8s.resource.spec.enforcementAction
	action in {"dryrun", "warn"}
	msg := sprintf("%s is in %s, so it admits what it was written to stop; set spec.enforcementAction to deny", [k8s.label, action])
}

violation contains {"msg": msg, "details": {"field": ["spec", "parameters", "repos", i]}} if {
	k8s.resource.kind == "K8sAllowedRepos"
	some i, repo in k8s.resource.spec.parameters.repos
	not endswith(repo, "/")
	msg := sprintf("%s allows the repository prefix %q, which a longer host or path also starts with; end it with \"/\" (%s/)", [k8s.label, repo, repo])
}
