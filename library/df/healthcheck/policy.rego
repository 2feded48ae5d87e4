# METADATA
# title: Images built from Dockerfiles define a HEALTHCHECK
# description: >-
#   The final stage must define a HEALTHCHECK (and not HEALTHCHECK NONE), so
#   runtimes outside Kubernetes can tell a hung container from a healthy
#   one. Kubernetes ignores it and uses probes (SS-POD-008), but the image
#   should carry its own contract.
# custom:
#   id: SS-DF-005
#   severity: low
#   requirements: [IMG-11]
#   frameworks:
#     cis-docker: ["4.6"]
#   kinds: [shipshape.dev/Dockerfile]
#   admission: false
#   remediation: Add HEALTHCHECK CMD <command that exits 0 when healthy> to the final stage.
package shipshape.df.healthcheck

import rego.v1

import data.lib.dockerfiles

checks := [i | some i in dockerfiles.final_instructions; i.value.instruction == "HEALTHCHECK"]

violation contains {"msg": msg, "details": {"field": ["stages", dockerfiles.final.index]}} if {
	dockerfiles.is_dockerfile
	count(checks) == 0
	msg := sprintf("%s: the final %s defines no HEALTHCHECK; add HEALTHCHECK CMD with a command that fails when the service is unhealthy", [dockerfiles.label, dockerfiles.stage_label(dockerfiles.final)])
}

violation contains {"msg": msg, "details": {"field": last.path}} if {
	count(checks) > 0
	last := checks[count(checks) - 1]
	upper(object.get(last.value, "test", [""])[0]) == "NONE"
	msg := sprintf("%s: the final %s disables its health check (HEALTHCHECK NONE, line %d); define a real check", [dockerfiles.label, dockerfiles.stage_label(dockerfiles.final), last.value.line])
}
