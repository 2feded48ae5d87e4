# METADATA
# title: Images built from Dockerfiles run as a non-root user
# description: >-
#   The final stage must switch to a non-root user with USER; without it the
#   container runs as the base image's user, root for most bases. The last
#   USER of the final stage decides; root, 0, and root or 0 with any group
#   are root.
# custom:
#   id: SS-DF-002
#   severity: high
#   requirements: [IMG-11]
#   frameworks:
#     cis-docker: ["4.1"]
#     mcsb: [PV-2]
#   kinds: [shipshape.dev/Dockerfile]
#   admission: false
#   remediation: End the final stage with USER and a non-root numeric UID (for example USER 65532:65532).
package shipshape.df.non_root

import rego.v1

import data.lib.dockerfiles

users := [i | some i in dockerfiles.final_instructions; i.value.instruction == "USER"]

violation contains {"msg": msg, "details": {"field": ["stages", dockerfiles.final.index]}} if {
	dockerfiles.is_dockerfile
	count(users) == 0
	msg := sprintf("%s: the final %s sets no USER, so the container runs as the base image's user (usually root); add USER with a non-root UID", [dockerfiles.label, dockerfiles.stage_label(dockerfiles.final)])
}

violation contains {"msg": msg, "details": {"field": last.path}} if {
	count(users) > 0
	last := users[count(users) - 1]
	user := split(last.value.user, ":")[0]
	user in {"root", "0", ""}
	msg := sprintf("%s: the final %s runs as %q (line %d), which is root; use a non-root UID", [dockerfiles.label, dockerfiles.stage_label(dockerfiles.final), last.value.user, last.value.line])
}
