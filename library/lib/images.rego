# METADATA
# title: Container image reference helpers
# description: >-
#   Parses image references the way container runtimes do (the distribution
#   reference grammar with Docker's normalization: implicit docker.io and
#   library/, registry host with optional port, tag, digest), and matches
#   registries against allow-lists by exact host, never by string prefix.
#   The parser follows github.com/distribution/reference's
#   ParseNormalizedNamed step by step; a Go test uses that package as its
#   oracle.
package lib.images

import rego.v1

# The distribution reference grammar.
path_component := `[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*`

domain_component := `(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])`

domain_and_port := concat("", [`(?:`, domain_component, `(?:\.`, domain_component, `)*|\[(?:[a-fA-F0-9:]+)\])(?::[0-9]+)?`])

reference_pattern := concat("", [
	`^((?:`, domain_and_port, `/)?`, path_component, `(?:/`, path_component, `)*)`,
	`(?::([\w][\w.-]{0,127}))?`,
	`(?:@([A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][[:xdigit:]]{32,}))?$`,
])

# name_pattern splits a matched name into registry and path, as upstream's
# anchored name expression does: a first component that is not a valid host
# stays part of the path, leaving no registry.
name_pattern := concat("", [`^(?:(`, domain_and_port, `)/)?(`, path_component, `(?:/`, path_component, `)*)$`])

# digest_lengths are the hex lengths of the digest algorithms runtimes accept.
digest_lengths := {"sha256": 64, "sha384": 96, "sha512": 128}

# parse returns the normalized parts of an image reference:
# {"valid", "problem", "registry", "repository", "tag", "digest"}.
# Only "valid" and "problem" are meaningful when valid is false.
parse(image) := ref if {
	is_string(image)
	[domain, remainder] := split_domain(image)
	ref := parsed(image, domain, remainder)
} else := invalid("the image is not a string")

invalid(problem) := {"valid": false, "problem": problem, "registry": "", "repository": "", "tag": "", "digest": ""}

parsed(image, domain, remainder) := invalid("it is a bare 64-character digest, not a repository name") if {
	regex.match(`^[a-f0-9]{64}$`, image)
} else := invalid("the repository name must be lowercase") if {
	remote := before(remainder, ":")
	lower(remote) != remote
} else := invalid("it does not follow the reference grammar registry/repository[:tag][@digest]") if {
	count(reference_parts(domain, remainder)) == 0
} else := ref if {
	[[_, name, tag, digest]] := reference_parts(domain, remainder)
	[[_, registry, repository]] := regex.find_all_string_submatch_n(name_pattern, name, 1)
	ref := checked(registry, repository, tag, digest)
}

# reference_parts matches the normalized reference once: [] when it does not
# follow the grammar, else [[whole, name, tag, digest]].
reference_parts(domain, remainder) := regex.find_all_string_submatch_n(reference_pattern, concat("/", [domain, remainder]), 1)

checked(domain, repository, tag, digest) := invalid("the repository name is longer than 255 characters") if {
	count(repository) > 255
} else := invalid("the digest is not a lowercase sha256, sha384 or sha512 digest of the right length") if {
	digest != ""
	not valid_digest(digest)
} else := {"valid": true, "problem": "", "registry": domain, "repository": repository, "tag": tag, "digest": digest}

valid_digest(digest) if {
	[algorithm, encoded] := split(digest, ":")
	count(encoded) == digest_lengths[algorithm]
	regex.match(`^[a-f0-9]+$`, encoded)
}

# split_domain applies Docker's normalization to the whole reference: the
# first path component is a registry only if it is localhost, contains "."
# or ":", or has uppercase letters; otherwise the image lives on docker.io,
# and single-component Docker Hub names under library/.
split_domain(image) := ["docker.io", concat("", ["library/", image])] if not contains(image, "/")

split_domain(image) := [domain, official(domain, rest)] if {
	i := indexof(image, "/")
	i >= 0
	first := substring(image, 0, i)
	is_registry(first)
	domain := canonical_registry(first)
	rest := substring(image, i + 1, -1)
}

split_domain(image) := ["docker.io", official("docker.io", image)] if {
	i := indexof(image, "/")
	i >= 0
	not is_registry(substring(image, 0, i))
}

is_registry("localhost")

is_registry(first) if regex.match(`[.:]`, first)

is_registry(first) if lower(first) != first

canonical_registry("index.docker.io") := "docker.io"

canonical_registry(first) := first if first != "index.docker.io"

official("docker.io", rest) := concat("", ["library/", rest]) if not contains(rest, "/")

official(domain, rest) := rest if domain != "docker.io"

official("docker.io", rest) := rest if contains(rest, "/")

before(s, sep) := substring(s, 0, indexof(s, sep)) if contains(s, sep)

before(s, sep) := s if not contains(s, sep)

# registry_allowed is true when ref (from parse) comes from a registry in
# the allow-list. An entry is a host (with optional port), compared exactly
# and case-insensitively, optionally followed by a repository path prefix
# that is matched only at "/" boundaries: "contoso.azurecr.io/team/" allows
# contoso.azurecr.io/team/app but neither contoso.azurecr.io/teamx/app nor
# contoso.azurecr.io.evil.example/team/app.
registry_allowed(ref, allowed) if {
	ref.valid
	some entry in allowed
	entry_matches(ref, entry)
}

entry_matches(ref, entry) if {
	not contains(entry, "/")
	lower(ref.registry) == lower(entry)
}

entry_matches(ref, entry) if {
	i := indexof(entry, "/")
	i > 0
	lower(ref.registry) == lower(substring(entry, 0, i))
	prefix := trim_suffix(substring(entry, i + 1, -1), "/")
	startswith(concat("", [ref.repository, "/"]), concat("", [prefix, "/"]))
}

# display names a parsed reference in messages: registry/repository.
display(ref) := concat("/", [ref.registry, ref.repository])
