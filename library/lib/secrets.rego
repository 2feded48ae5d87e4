# METADATA
# title: Secret detection helpers
# description: >-
#   Recognizes literal credentials: well-known token and key formats (Azure
#   storage keys and connection strings, SAS tokens, Service Bus keys, JWTs,
#   PEM private keys, GitHub, npm, AWS and Slack tokens, passwords in URLs),
#   and random-looking values under secret-sounding names.
package lib.secrets

import rego.v1

# patterns lists [description, regular expression] pairs that find a kind
# of credential anywhere in a value, most specific first.
patterns := [
	["a PEM private key", `-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY( BLOCK)?-----`],
	["an Azure Cosmos DB connection string", `(?i)AccountEndpoint=https://[^;]+;AccountKey=[A-Za-z0-9+/=]{20,}`],
	["an Azure storage connection string", `(?i)AccountName=[^;]+;AccountKey=[A-Za-z0-9+/=]{20,}`],
	["an Azure Service Bus or Event Hubs connection string", `(?i)SharedAccessKeyName=[^;]+;SharedAccessKey=[A-Za-z0-9+/=]{20,}`],
	["an Azure SAS token", `(?i)(?:^|[?&])sv=\d{4}-\d{2}-\d{2}&.*sig=[A-Za-z0-9%+/=]{20,}`],
	["an Azure storage account key", `(?:^|[^A-Za-z0-9+/])[A-Za-z0-9+/]{86}==(?:$|[^A-Za-z0-9+/=])`],
	["a JSON Web Token", `eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{10,}`],
	["a GitHub token", `(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})`],
	["an npm token", `npm_[A-Za-z0-9]{36}`],
	["an AWS access key", `(?:AKIA|ASIA)[0-9A-Z]{16}`],
	["a Slack token", `xox[abposr]-[A-Za-z0-9-]{10,}`],
	["a password in a URL", `[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]+:[^@/\s$]{3,}@`],
]

# kind_of returns the description of the first credential format found in
# value; undefined when none matches.
kind_of(value) := [description |
	some [description, pattern] in patterns
	regex.match(pattern, value)
][0] if is_string(value)

# secret_name is true for names such as DB_PASSWORD, clientSecret,
# API_TOKEN, STORAGE_KEY or ApiKey.
secret_name(name) if regex.match(`(?i)(password|passwd|secret|token|credential|apikey|api_key|accesskey|access_key|privatekey|private_key|connectionstring|connection_string)`, name)

secret_name(name) if regex.match(`(?i)(^|[_.-])key($|[_.-])`, name)

# looks_random is true for values that look generated rather than
# configuration: at least 12 characters of at least three character classes,
# mostly distinct, and not a reference, a path or a URL without credentials;
# or a long hexadecimal or base64 token (letters and digits, no word
# separators).
looks_random(value) if {
	is_string(value)
	count(value) >= 12
	not reference(value)
	classes := [1 | some class in [`[a-z]`, `[A-Z]`, `[0-9]`, `[^A-Za-z0-9]`]; regex.match(class, value)]
	count(classes) >= 3
	count({c | some c in split(value, "")}) * 10 >= count(value) * 6
}

looks_random(value) if {
	is_string(value)
	regex.match(`^(?:[0-9a-f]{32,}|[0-9A-F]{32,}|[A-Za-z0-9+/]{20,}={0,2})$`, value)
	regex.match(`[0-9]`, value)
	regex.match(`[A-Za-z]`, value)
}

# reference is true for values that point at a secret rather than hold
# one: a variable ($(VAR), ${VAR}), a placeholder, a path or a URL.
reference(value) if regex.match(`^(\$\(|\$\{|<|/|[a-z]+://)`, value)

# names_an_object is true for flags and variables whose value names a
# Secret, a namespace, a file or a key rather than holding a credential
# (--secret-name, --ca-secret-namespace, --password-file, TOKEN_PATH).
names_an_object(name) if regex.match(`(?i)(name|namespace|ns|ref|file|path|dir|mount|id)$`, name)

# password_name is true for names of human-chosen passwords, which are a
# credential whatever they look like.
password_name(name) if regex.match(`(?i)(password|passwd|pwd)$`, name)

# finding explains why a named value looks like a literal secret ("" when
# it does not).
finding(name, value) := sprintf("looks like %s", [kind_of(value)]) if {
	kind_of(value)
} else := sprintf("%q looks like a secret name and the value looks random", [name]) if {
	secret_name(name)
	looks_random(value)
} else := ""
