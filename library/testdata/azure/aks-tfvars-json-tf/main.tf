variable "http_application_routing" {
  type    = bool
  default = false
}

resource "azurerm_kubernetes_cluster" "main" {
  name                             = "aks-demo"
  location                         = "westeurope"
  resource_group_name              = "rg-demo"
  dns_prefix                       = "aks-demo"
  http_application_routing_enabled = var.http_application_routing

  default_node_pool {
    name    = "system"
    vm_size = "Standard_D4ds_v5"
  }

  identity {
    type = "SystemAssigned"
  }
}
