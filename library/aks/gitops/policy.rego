# METADATA
# title: AKS configuration is reconciled through GitOps
# description: >-
#   The cluster needs the Flux extension (microsoft.flux) or a Flux
#   configuration in the scan, or Flux or Argo CD objects among the scanned
#   manifests, so its configuration is rebuilt from Git.
# custom:
#   id: SS-AKS-021
#   sync: [azure.shipshape.dev/v1/ManagedCluster, azure.shipshape.dev/v1/ClusterExtension, source.toolkit.fluxcd.io/v1/GitRepository, kustomize.toolkit.fluxcd.io/v1/Kustomization, argoproj.io/v1alpha1/Application, argoproj.io/v1alpha1/ApplicationSet]
#   severity: low
#   requirements: [HA-05]
#   frameworks:
#     mcsb: [AM-2, BR-1]
#   kinds: [azure.shipshape.dev/ManagedCluster]
#   admission: false
#   remediation: Add a Flux configuration (az k8s-configuration flux create), which installs the microsoft.flux extension.
package shipshape.aks.gitops

import rego.v1

import data.lib.azure
import data.lib.inventory

flux_extension if {
	some e in azure.related("ClusterExtension")
	flux(e)
	azure.refers_to_me(e, lower(object.get(e.spec, "target", "")))
}

flux(e) if lower(object.get(e.spec, "extensiontype", "")) == "microsoft.flux"

flux(e) if endswith(object.get(e.spec, "resourcetype", ""), "fluxconfigurations")

flux(e) if object.get(e.spec, "resourcetype", "") == "azurerm_kubernetes_flux_configuration"

in_cluster if {
	some kind in [["source.toolkit.fluxcd.io", "GitRepository"], ["kustomize.toolkit.fluxcd.io", "Kustomization"], ["argoproj.io", "Application"], ["argoproj.io", "ApplicationSet"]]
	count(inventory.all(kind[0], kind[1])) > 0
}

violation contains {"msg": msg, "details": {"field": ["spec"]}} if {
	azure.is_cluster
	not flux_extension
	not in_cluster
	msg := sprintf("%s: the scan shows no Flux extension or configuration for it and no Flux or Argo CD objects; reconcile it from Git", [azure.label])
}
