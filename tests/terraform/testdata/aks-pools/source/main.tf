resource "azurerm_kubernetes_cluster" "main" {
  name     = "aks-prod"
  location = "westeurope"

  default_node_pool {
    name                    = "system"
    vm_size                 = "Standard_D4ds_v5"
    host_encryption_enabled = true
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "user" {
  count                  = 1
  name                   = "user"
  kubernetes_cluster_id  = azurerm_kubernetes_cluster.main.id
  vm_size                = "Standard_D8ds_v5"
  mode                   = "User"
  enable_host_encryption = false
}
