resource "azurerm_kubernetes_cluster" "main" {
  name                   = "aks-payments-prod"
  location               = "westeurope"
  resource_group_name    = "rg-payments-prod"
  dns_prefix             = "aks-payments-prod"
  local_account_disabled = var.local_account_disabled
  azure_policy_enabled   = true

  default_node_pool {
    name    = "system"
    vm_size = "Standard_D4ds_v5"
  }

  identity {
    type = "SystemAssigned"
  }
}
