# The production clusters, one per region: each module instance holds the
# cluster, its user pool, audit logs, backup, Flux and the AcrPull
# assignment.
module "aks" {
  source   = "./modules/aks"
  for_each = var.regions

  name             = "aks-${var.environment}-${each.key}"
  location         = each.value
  admin_group_ids  = var.admin_group_ids
  workspace_id     = local.workspace_id
  subnets          = local.subnets
  audit_categories = ["kube-audit", "kube-apiserver"]
}
