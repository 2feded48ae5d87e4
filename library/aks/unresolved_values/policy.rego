# METADATA
# title: Azure settings are values shipshape can judge, not deployment-time expressions
# description: >-
#   ARM templates (and Bicep compiled to them) compute settings with template
#   expressions. shipshape evaluates the ones without side effects from
#   parameter values (a parameters file beside the template, else the
#   defaults) and variables: concat, format, if, union, createArray and the
#   rest. What only a deployment knows (reference(), resourceGroup(),
#   uniqueString(), a parameter without a default) cannot be evaluated, and
#   the controls that read such a setting see only the expression's text.
#   Rather than let that pass for a value, this control reports every setting
#   and every deployment condition left unevaluated, with the expression and
#   its line.
# custom:
#   id: SS-AKS-023
#   severity: medium
#   requirements: [GOV-02]
#   frameworks:
#     mcsb: [PV-2]
#   admission: false
#   kinds:
#     - azure.shipshape.dev/ManagedCluster
#     - azure.shipshape.dev/ContainerRegistry
#     - azure.shipshape.dev/DiagnosticSetting
#     - azure.shipshape.dev/RoleAssignment
#     - azure.shipshape.dev/PrivateEndpoint
#     - azure.shipshape.dev/SecurityPricing
#     - azure.shipshape.dev/ClusterExtension
#   remediation: Give the parameter a value in a parameters file beside the template (<template>.parameters.json) or a default, or write the setting as a literal, so it can be judged before deployment.
package shipshape.aks.unresolved_values

import rego.v1

import data.lib.azure
import data.lib.k8s

violation contains {"msg": msg, "details": {"field": entry.path}} if {
	some entry in azure.setting(["unresolved"], [])
	entry.path != ["condition"]
	not azure.reported_by_control(entry.path)
	not names_role(entry)
	msg := sprintf("%s: %s is %s, which cannot be evaluated before deployment, so it could not be judged; %s", [azure.label, setting_name(entry.path), azure.shortened(entry.expression), azure.advice])
}

violation contains {"msg": msg, "details": {"field": ["condition"]}} if {
	some entry in azure.setting(["unresolved"], [])
	entry.path == ["condition"]
	msg := sprintf("%s is deployed only when %s holds, which cannot be decided before deployment; it was judged as deployed, so set the parameter in a parameters file to judge the deployment you make", [azure.label, azure.shortened(entry.expression)])
}

# setting_name names a setting without the spec. prefix ("properties" for
# the whole properties object).
setting_name(path) := "properties" if path == ["spec"]

setting_name(path) := k8s.path_string(array.slice(path, 1, count(path))) if count(path) > 1

# names_role is true when a role assignment's role is an expression that
# names the role definition's GUID (subscriptionResourceId(...,
# '7f951dda-...')): the role is known, only the subscription is not.
names_role(entry) if {
	entry.path == ["spec", "roledefinitionid"]
	regex.match(`[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}`, lower(entry.expression))
}
