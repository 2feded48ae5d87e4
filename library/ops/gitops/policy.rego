# METADATA
# title: Cluster configuration is reproducible through GitOps
# description: >-
#   Flux (a source such as GitRepository or OCIRepository, and a
#   Kustomization or HelmRelease) or Argo CD (an Application or
#   ApplicationSet) must reconcile the cluster from Git, so it can be rebuilt
#   after a disaster. The AKS GitOps extension is judged from the cluster
#   resource. Judged once per scan that describes a cluster.
# custom:
#   id: SS-OPS-004
#   sync: [source.toolkit.fluxcd.io/v1/GitRepository, source.toolkit.fluxcd.io/v1/OCIRepository, source.toolkit.fluxcd.io/v1/Bucket, source.toolkit.fluxcd.io/v1/HelmRepository, kustomize.toolkit.fluxcd.io/v1/Kustomization, helm.toolkit.fluxcd.io/v2/HelmRelease, argoproj.io/v1alpha1/Application, argoproj.io/v1alpha1/ApplicationSet]
#   severity: low
#   requirements: [HA-05]
#   frameworks:
#     mcsb: [BR-1, AM-2]
#   kinds: [shipshape.dev/Cluster]
#   admission: false
#   remediation: Reconcile the cluster with Flux (GitRepository plus Kustomization) or Argo CD (Application).
package shipshape.ops.gitops

import rego.v1

import data.lib.cluster
import data.lib.inventory

flux_sources := [["source.toolkit.fluxcd.io", "GitRepository"], ["source.toolkit.fluxcd.io", "OCIRepository"], ["source.toolkit.fluxcd.io", "Bucket"], ["source.toolkit.fluxcd.io", "HelmRepository"]]

flux_appliers := [["kustomize.toolkit.fluxcd.io", "Kustomization"], ["helm.toolkit.fluxcd.io", "HelmRelease"]]

argo := [["argoproj.io", "Application"], ["argoproj.io", "ApplicationSet"]]

present(kinds) if {
	some [group, kind] in kinds
	count(inventory.all(group, kind)) > 0
}

gitops if {
	present(flux_sources)
	present(flux_appliers)
}

gitops if present(argo)

violation contains {"msg": msg, "details": {}} if {
	cluster.is_cluster
	not gitops
	msg := "no GitOps reconciliation (Flux source and Kustomization or HelmRelease, or an Argo CD Application) is among the scanned objects; manage the cluster from Git"
}
