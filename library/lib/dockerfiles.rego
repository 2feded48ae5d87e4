# METADATA
# title: Dockerfile helpers
# description: >-
#   Reads the normalised Dockerfile object (kind shipshape.dev/v1 Dockerfile,
#   see docs/inputs.md): its stages, the final stage that becomes the image,
#   and the instructions of each, with the field paths findings point at
#   (they map back to Dockerfile lines).
package lib.dockerfiles

import rego.v1

import data.lib.k8s

is_dockerfile if k8s.has_kind("shipshape.dev", "Dockerfile")

# stages are the build stages in order.
stages := [s | is_dockerfile; some s in k8s.get(k8s.resource, "stages", [])]

# final is the last stage: the one the image is made of (unless a build
# targets another stage explicitly).
final := stages[count(stages) - 1]

# instructions lists every instruction of every stage with its path:
# {stage, index, value, path}.
instructions contains {"stage": s.index, "index": j, "value": inst, "path": ["stages", s.index, "instructions", j]} if {
	some s in stages
	some j, inst in s.instructions
}

# final_instructions are the final stage's instructions in order.
final_instructions := [i | some i in instructions; i.stage == final.index]

# label names the Dockerfile in messages.
label := sprintf("Dockerfile %s", [k8s.name])

# stage_label names a stage: `stage "build"` or `stage 2`.
stage_label(s) := sprintf("stage %q", [s.name]) if s.name != ""

else := sprintf("stage %d", [s.index])
