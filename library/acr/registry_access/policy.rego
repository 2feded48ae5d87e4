# METADATA
# title: Registry access needs an identity
# description: >-
#   The registry's admin user is a shared password with push rights, and
#   anonymous pull lets anyone read every image; both bypass the managed
#   identities and AcrPull role assignments clusters should pull with.
# custom:
#   id: SS-ACR-002
#   severity: high
#   requirements: [IAM-15]
#   frameworks:
#     cis-aks: ["5.1.2"]
#     mcsb: [IM-1, PA-7]
#   kinds: [azure.shipshape.dev/ContainerRegistry]
#   admission: false
#   remediation: Set adminUserEnabled and anonymousPullEnabled to false and grant clusters AcrPull through their kubelet identity.
package shipshape.acr.registry_access

import rego.v1

import data.lib.azure

violation contains {"msg": msg, "details": {"field": azure.field(["adminuserenabled"])}} if {
	azure.is_registry
	azure.read(["adminuserenabled"], false) != false
	msg := azure.verdict(["adminuserenabled"], "adminUserEnabled", "enables the admin user", sprintf("%s enables the admin user (adminUserEnabled is %s), a shared push credential; disable it", [azure.label, azure.shown(["adminuserenabled"])]))
}

violation contains {"msg": msg, "details": {"field": azure.field(["anonymouspullenabled"])}} if {
	azure.is_registry
	azure.read(["anonymouspullenabled"], false) != false
	msg := azure.verdict(["anonymouspullenabled"], "anonymousPullEnabled", "allows anonymous pull", sprintf("%s allows anonymous pull (anonymousPullEnabled is %s); disable it", [azure.label, azure.shown(["anonymouspullenabled"])]))
}
