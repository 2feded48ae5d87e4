# METADATA
# title: ingress-nginx takes no configuration from Ingress annotations and runs a patched controller
# description: >-
#   ingress-nginx writes some Ingress annotations into nginx.conf: a snippet,
#   or an auth-*, mirror or redirect value with ";", braces, quotes or a
#   newline, lets anyone who may create an Ingress run nginx directives in
#   the controller, whose token reads every Secret (CVE-2021-25742,
#   CVE-2025-24514). Paths naming /etc or token directories read its files
#   (CVE-2021-25745). Controllers before 1.11.5, and 1.12.0, are open to
#   CVE-2025-1974. Snippets stay off in its ConfigMap too.
# custom:
#   id: SS-NET-012
#   severity: high
#   requirements: [NET-16]
#   frameworks:
#     mitre: ["T1190", "T1552.007"]
#   kinds: [networking.k8s.io/Ingress, ConfigMap, workloads]
#   remediation: Remove *-snippet annotations and characters outside a plain URL or name from ingress-nginx annotations, set allow-snippet-annotations to "false" in the controller's ConfigMap, and upgrade the controller to 1.11.5, 1.12.1 or later.
package shipshape.net.ingress_nginx

import rego.v1

import data.lib.images
import data.lib.k8s
import data.lib.pods

prefix := "nginx.ingress.kubernetes.io/"

# ingress_annotations are the ingress-nginx annotations of an Ingress.
ingress_annotations[key] := value if {
	k8s.resource.kind == "Ingress"
	some key, value in k8s.annotations
	startswith(key, prefix)
}

violation contains {"msg": msg, "details": {"field": ["metadata", "annotations", key]}} if {
	some key, _ in ingress_annotations
	endswith(key, "-snippet")
	msg := sprintf("%s sets %s, which ingress-nginx copies into nginx.conf as written: whoever may edit the Ingress runs nginx directives in the controller; remove it and use a dedicated annotation", [k8s.label, key])
}

# breakout are the characters and words that end a value inside nginx.conf
# and start directives of its own.
breakout := [";", "{", "}", "\"", "'", "\n", "\r", "\\", "`"]

lua_or_module := `(?i)(_by_lua|lua_package|load_module|\balias\s|\broot\s)`

violation contains {"msg": msg, "details": {"field": ["metadata", "annotations", key]}} if {
	some key, value in ingress_annotations
	not endswith(key, "-snippet")
	injection(value)
	msg := sprintf("%s sets %s to a value with characters or directives that end it inside nginx.conf (%q); use a plain URL or name", [k8s.label, key, value])
}

injection(value) if {
	some c in breakout
	contains(value, c)
}

injection(value) if regex.match(lua_or_module, value)

# sensitive_paths are the controller's own files an Ingress path must not
# reach (the restrict-ingress-paths list of CVE-2021-25745).
sensitive_paths := ["/etc", "/var/run/secrets", "/root", "/var/run/kubernetes/serviceaccount", "/etc/kubernetes/admin.conf"]

violation contains {"msg": msg, "details": {"field": ["spec", "rules", i, "http", "paths", j, "path"]}} if {
	k8s.resource.kind == "Ingress"
	some i, rule in k8s.resource.spec.rules
	some j, p in rule.http.paths
	some sensitive in sensitive_paths
	contains(p.path, sensitive)
	msg := sprintf("%s routes path %q, which names the controller's %s; ingress-nginx could serve its own files from it", [k8s.label, p.path, sensitive])
}

# The controller's ConfigMap: allow-snippet-annotations turns the snippet
# annotations on for every Ingress; annotations-risk-level Critical does the
# same on 1.12 and later.
violation contains {"msg": msg, "details": {"field": ["data", "allow-snippet-annotations"]}} if {
	k8s.resource.kind == "ConfigMap"
	value := k8s.resource.data["allow-snippet-annotations"]
	lower(trim_space(value)) == "true"
	msg := sprintf("%s sets allow-snippet-annotations to %q, so every Ingress may write nginx directives into the controller; set it to \"false\"", [k8s.label, value])
}

violation contains {"msg": msg, "details": {"field": ["data", "annotations-risk-level"]}} if {
	k8s.resource.kind == "ConfigMap"
	value := k8s.resource.data["annotations-risk-level"]
	lower(trim_space(value)) == "critical"
	msg := sprintf("%s sets annotations-risk-level to %q, which admits snippet annotations; leave it at High or lower", [k8s.label, value])
}

# controller_repositories end the repository names of the ingress-nginx
# controller image (registry.k8s.io, its k8s.gcr.io past, chroot builds and
# the Bitnami repackaging).
controller_repositories := ["ingress-nginx/controller", "ingress-nginx/controller-chroot", "nginx-ingress-controller"]

controllers contains [c, ref] if {
	some c in pods.containers
	contains(c.value.image, "ingress") # every repository below says so; most images do not
	ref := images.parse(c.value.image)
	some suffix in controller_repositories
	endswith(ref.repository, suffix)
}

# version reads MAJOR.MINOR.PATCH from a tag such as v1.11.2 or
# 1.11.3-debian-12-r0.
version(tag) := [to_number(m[1]), to_number(m[2]), to_number(m[3])] if {
	m := regex.find_all_string_submatch_n(`^v?([0-9]+)\.([0-9]+)\.([0-9]+)`, tag, 1)[0]
}

# vulnerable: everything before 1.11.5, and 1.12.0 (CVE-2025-1974).
vulnerable(v) if v[0] < 1

vulnerable(v) if {
	v[0] == 1
	v[1] < 11
}

vulnerable(v) if {
	v[0] == 1
	v[1] == 11
	v[2] < 5
}

vulnerable(v) if {
	v[0] == 1
	v[1] == 12
	v[2] == 0
}

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["image"])}} if {
	some [c, ref] in controllers
	v := version(ref.tag)
	vulnerable(v)
	msg := sprintf("%s runs ingress-nginx controller %s, open to IngressNightmare (CVE-2025-1974, critical: unauthenticated code execution through the admission webhook); upgrade to 1.11.5, 1.12.1 or later", [pods.label(c), ref.tag])
}

violation contains {"msg": msg, "details": {"field": pods.container_field(c, ["image"])}} if {
	some [c, ref] in controllers
	not version(ref.tag)
	msg := sprintf("%s runs the ingress-nginx controller %s with no release in its tag, so whether it is patched against CVE-2025-1974 cannot be told; tag it with its release (v1.12.1 or later) besides the digest", [pods.label(c), c.value.image])
}
