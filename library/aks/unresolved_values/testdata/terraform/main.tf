variable "sku_tier" {
  type = string
}

variable "admin_group_ids" {
  type    = list(string)
  default = ["6b0b4c3e-2f44-4d07-9c8e-7a1d5a0f4e21"]
}

resource "azurerm_kubernetes_cluster" "shop" {
  name                   = "aks-shop"
  sku_tier               = var.sku_tier
  local_account_disabled = true

  azure_active_directory_role_based_access_control {
    azure_rbac_enabled     = true
    admin_group_object_ids = var.admin_group_ids
  }
}

resource "azurerm_role_assignment" "acr_pull" {
  role_definition_name = "AcrPull"
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/shopacr"
  principal_id         = azurerm_kubernetes_cluster.shop.kubelet_identity[0].object_id
}
