locals {
  subscription = "/subscriptions/00000000-0000-0000-0000-000000000000"
  workspace_id = "${local.subscription}/resourceGroups/rg-obs/providers/Microsoft.OperationalInsights/workspaces/law-${var.environment}"
  vnet         = "${local.subscription}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-${var.environment}"
  subnets = {
    for name in ["system", "apps"] : name => "${local.vnet}/subnets/${name}"
  }
}
