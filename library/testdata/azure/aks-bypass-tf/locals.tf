locals {
  region_short = {
    westeurope  = "weu"
    northeurope = "neu"
  }
  name = "aks-${var.workload}-${var.environment}-${local.region_short[var.location]}"

  is_production = var.environment == "production"

  aks_defaults = {
    sku_tier                = "Standard"
    azure_rbac_enabled      = true
    host_encryption_enabled = true
    network_policy          = "cilium"
  }
  aks = merge(local.aks_defaults, var.aks_overrides)

  authorized_ranges = concat(var.office_ranges, var.extra_authorized_ranges)

  # Patch automatically only where a maintenance window bounds it.
  upgrade_channel = var.maintenance_window == null ? "none" : "stable"

  subscription = "/subscriptions/00000000-0000-0000-0000-000000000000"
  vnet_id      = "${local.subscription}/resourceGroups/rg-net-${var.environment}/providers/Microsoft.Network/virtualNetworks/vnet-spoke-${var.environment}"
  subnet_ids = {
    system = "${local.vnet_id}/subnets/snet-aks-system"
    apps   = "${local.vnet_id}/subnets/snet-aks-apps"
    batch  = "${local.vnet_id}/subnets/snet-aks-batch"
  }
  workspace_id = "${local.subscription}/resourceGroups/rg-obs/providers/Microsoft.OperationalInsights/workspaces/law-${var.workload}-${var.environment}"
}
