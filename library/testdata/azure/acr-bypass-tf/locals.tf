locals {
  acr_log_categories = setsubtract(["ContainerRegistryLoginEvents", "ContainerRegistryRepositoryEvents"], var.excluded_log_categories)

  private_endpoint_subnet_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-hub/subnets/snet-private-endpoints"
  workspace_id               = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-obs/providers/Microsoft.OperationalInsights/workspaces/law-platform"
}
