# The production cluster: the module holds the cluster, its user pool,
# audit logs, backup, Flux and the AcrPull assignment.
module "aks" {
  source = "./modules/aks"

  name              = "aks-${var.environment}"
  admin_group_ids   = var.admin_group_ids
  workspace_id      = local.workspace_id
  subnets           = local.subnets
  audit_categories  = ["kube-audit", "kube-apiserver"]
}
