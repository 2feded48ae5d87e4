# METADATA
# title: Dockerfiles add no remote URLs with ADD
# description: >-
#   ADD with a URL or a Git repository downloads content at build time
#   without a checksum check unless --checksum is given, so the image can
#   change without its Dockerfile changing. Download with a verified step
#   (curl plus a checksum) or COPY from a pinned stage instead. Every stage
#   counts: files reach the final image through COPY --from.
# custom:
#   id: SS-DF-003
#   severity: medium
#   requirements: [IMG-11]
#   frameworks:
#     cis-docker: ["4.9"]
#   kinds: [shipshape.dev/Dockerfile]
#   admission: false
#   remediation: Replace ADD <url> with COPY of a vendored file, or a RUN step that downloads and verifies a checksum.
package shipshape.df.remote_add

import rego.v1

import data.lib.dockerfiles

violation contains {"msg": msg, "details": {"field": i.path}} if {
	some i in dockerfiles.instructions
	i.value.instruction == "ADD"
	some src in i.value.sources
	remote(src)
	not contains(i.value.original, "--checksum=")
	msg := sprintf("%s line %d ADDs remote %q; COPY a vendored file or download and verify a checksum in RUN", [dockerfiles.label, i.value.line, src])
}

remote(src) if regex.match(`(?i)^(https?|ftp)://`, src)

remote(src) if regex.match(`(?i)^(git@|git://|ssh://)`, src)

remote(src) if regex.match(`(?i)\.git(#.*)?$`, src)
