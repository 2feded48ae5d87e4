# METADATA
# title: Ingresses are fronted by a web application firewall
# description: >-
#   Ingresses served by the Application Gateway Ingress Controller must name
#   a WAF policy (appgw.ingress.kubernetes.io/waf-policy-for-path); those
#   served by NGINX (including AKS app routing) must enable ModSecurity and
#   the OWASP Core Rule Set (annotations set to "true"). An Ingress whose
#   controller is neither, or unknown, cannot be shown to have a WAF unless
#   its class is in wafIngressClasses (controllers known to sit behind one,
#   such as Azure Front Door with WAF).
# custom:
#   id: SS-NET-005
#   severity: medium
#   requirements: [NET-09]
#   frameworks:
#     mcsb: [NS-6]
#     mitre: [T1190]
#   kinds: [networking.k8s.io/Ingress]
#   remediation: Attach a WAF policy (AGIC) or enable ModSecurity with the OWASP CRS (NGINX), or list the ingress class in wafIngressClasses.
#   parameters:
#     type: object
#     properties:
#       wafIngressClasses:
#         type: array
#         items: {type: string}
#         default: []
package shipshape.net.ingress_waf

import rego.v1

import data.lib.k8s

agic_classes := {"azure-application-gateway", "azure/application-gateway"}

nginx_classes := {"nginx", "webapprouting.kubernetes.azure.com", "nginx-internal", "ingress-nginx"}

waf_policy := "appgw.ingress.kubernetes.io/waf-policy-for-path"

nginx_required := ["nginx.ingress.kubernetes.io/enable-modsecurity", "nginx.ingress.kubernetes.io/enable-owasp-core-rules"]

# class is the ingress class: spec.ingressClassName, else the legacy
# kubernetes.io/ingress.class annotation, else "".
class := c if {
	c := k8s.resource.spec.ingressClassName
	is_string(c)
	c != ""
} else := k8s.get(k8s.annotations, "kubernetes.io/ingress.class", "")

violation contains {"msg": msg, "details": {"field": ["metadata", "annotations", waf_policy]}} if {
	class in agic_classes
	k8s.get(k8s.annotations, waf_policy, "") == ""
	msg := sprintf("%s is served by Application Gateway without a WAF policy; set annotation %s to the WAF policy's resource ID", [k8s.label, waf_policy])
}

violation contains {"msg": msg, "details": {"field": ["metadata", "annotations", annotation]}} if {
	class in nginx_classes
	some annotation in nginx_required
	not k8s.annotations[annotation] == "true"
	msg := sprintf("%s is served by NGINX without annotation %s: \"true\"; enable ModSecurity with the OWASP Core Rule Set", [k8s.label, annotation])
}

violation contains {"msg": msg, "details": {"field": ["spec", "ingressClassName"]}} if {
	not class in agic_classes
	not class in nginx_classes
	not class in input.parameters.wafIngressClasses
	msg := sprintf("%s uses %s, which is not known to sit behind a WAF; use Application Gateway with a WAF policy or NGINX with ModSecurity, or add the class to wafIngressClasses", [k8s.label, class_label])
}

# class_label names the class in messages; an Ingress that names none is
# served by the cluster's default class, which says nothing about a WAF.
class_label := sprintf("ingress class %q", [class]) if {
	class != ""
} else := "no ingress class (so the cluster's default class serves it)"
