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
# one: a variable ($(VAR), ${VAR}, $VAR), a template placeholder ({{ .x }},
# <password>), a path or a URL.
reference(value) if regex.match(`^(\$\(|\$\{|\$[A-Za-z_]|\{\{|<|[a-z]+://)`, value)

reference(value) if file_path(value)

# file_path is true for a value that names a file (/run/secrets/db,
# ./app/key.json, ~/.aws/credentials): the secret is in the file, if
# anywhere.
file_path(value) if regex.match(`^(/|\./|\.\./|~/)`, value)

# names_an_object is true for flags and variables whose value names a
# Secret, a namespace, a file or a key rather than holding a credential
# (--secret-name, --ca-secret-namespace, --password-file, TOKEN_PATH).
names_an_object(name) if regex.match(`(?i)(name|namespace|ns|ref|file|path|dir|mount|id)$`, name)

# password_name is true for names of human-chosen passwords, which are a
# credential whatever they look like.
password_name(name) if regex.match(`(?i)(password|passwd|pwd)$`, name)

# words splits a variable or key name into lower-case words at separators
# and camelCase boundaries: clientSecret, CLIENT_SECRET and
# spring.datasource.client-secret all end in "secret".
words(name) := [w |
	some w in regex.split(`[^a-z0-9]+`, lower(regex.replace(name, `([a-z0-9])([A-Z])`, "${1}_${2}")))
	w != ""
]

# credential_last are the last words of names that hold a credential, the
# tokens of BuildKit's SecretsUsedInArgOrEnv rule and of Trivy's DS-0031
# (pword, psw) and Kubescape's sensitive key names (pwd, pass); a name
# ending in "key" alone (CACHE_KEY, SORT_KEY) needs a qualifier, below.
credential_last := {
	"password", "passwd", "pwd", "pword", "pass", "psw", "passphrase",
	"secret", "token", "apikey", "credential", "credentials",
}

# credential_key_qualifiers make "<qualifier> key" a credential name
# (API_KEY, accessKey, STORAGE_ACCOUNT_KEY, JWT_SIGNING_KEY).
credential_key_qualifiers := {
	"api", "access", "secret", "private", "account", "master", "auth",
	"encryption", "signing", "shared", "session", "client", "app",
}

# non_secret_words mark names of public material (BuildKit allows
# "public"; GPG_KEY in official images is a key fingerprint).
non_secret_words := {"public", "pub", "gpg", "pgp", "fingerprint"}

# credential_name is true for names whose last word names a credential:
# DB_PASSWORD, MYSQL_ROOT_PASSWORD, GITHUB_TOKEN, ARTIFACTORY_PSW, pwd,
# clientSecret, OPENAI_API_KEY, SECRET_KEY_BASE (words that only say how
# the value is written are skipped); not DB_PASSWORD_FILE, TOKEN_AUDIENCE,
# CACHE_KEY_PREFIX or PUBLIC_TOKEN.
credential_name(name) if {
	ws := significant_words(name)
	ws[count(ws) - 1] in credential_last
	not public_name(ws)
}

credential_name(name) if {
	ws := significant_words(name)
	count(ws) >= 2
	ws[count(ws) - 1] == "key"
	ws[count(ws) - 2] in credential_key_qualifiers
	not public_name(ws)
}

# encoding_words say how a value is written, not what it is.
encoding_words := {"base", "value", "data", "string", "b64", "base64", "raw", "plain", "plaintext", "text", "hex", "encoded"}

# significant_words are a name's words without trailing encoding words.
significant_words(name) := [w |
	some i, w in ws
	i <= last
] if {
	ws := words(name)
	last := max(array.concat([-1], [i | some i, w in ws; not w in encoding_words]))
}

# An access key's ID is the other half of the key (AWS_ACCESS_KEY_ID, which
# BuildKit and Trivy DS-0031 report as well).
credential_name(name) if {
	ws := significant_words(name)
	count(ws) >= 3
	array.slice(ws, count(ws) - 3, count(ws)) == ["access", "key", "id"]
}

public_name(ws) if {
	some w in ws
	w in non_secret_words
}

# literal is true for a value that holds something rather than points at
# it or switches a feature: some letter or digit, not a reference, not a
# boolean
# (ALLOW_EMPTY_PASSWORD: "yes", MYSQL_RANDOM_ROOT_PASSWORD: "1").
literal(value) if {
	is_string(value)
	regex.match(`[A-Za-z0-9]`, value)
	not reference(value)
	not switch(value)
}

# An unquoted number (REDIS_PASSWORD: 123456) is a literal too: the API
# server refuses it where a string belongs, but the manifest still holds
# the credential.
literal(value) if {
	is_number(value)
	not switch(value)
}

# switch is true for values that turn a feature on or off.
switch(value) if lower(value) in {"true", "false", "yes", "no", "on", "off", "enabled", "disabled", "0", "1"}

switch(value) if value in {0, 1}

# finding explains why a named value looks like a literal secret ("" when
# it does not).
finding(name, value) := sprintf("looks like %s", [kind_of(value)]) if {
	kind_of(value)
} else := sprintf("%q looks like a secret name and the value looks random", [name]) if {
	secret_name(name)
	not public_name(words(name))
	looks_random(value)
} else := sprintf("is a credential by its name %q", [name]) if {
	credential_name(name)
	literal(value)
} else := sprintf("assigns a literal to %s", [embedded]) if {
	embedded := embedded_credential(value)
} else := ""

# embedded_credential names the first credential given a literal inside a
# value: an env file, properties, a query string or JSON kept in a
# ConfigMap or variable (REDIS_PASSWORD=abcd1234, "password": "x").
embedded_credential(value) := names[0] if {
	is_string(value)
	regex.match(`[=:]`, value)
	pairs := regex.find_all_string_submatch_n(`(?:^|[\s{,;&?])(?:export[ \t]+)?["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?[ \t]*[=:][ \t]*["']?([^"'\s#,;&}]+)`, value, -1)
	names := [pair[1] |
		some pair in pairs
		credential_name(pair[1])
		literal(pair[2])
	]
	count(names) > 0
}
