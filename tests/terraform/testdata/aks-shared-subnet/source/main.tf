# One subnet for every pool, production and staging alike, and a Windows
# pool for the staging jobs.
variable "subnet_id" {
  type    = string
  default = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-shared/subnets/nodes"
}

locals {
  pools = {
    prod    = { environment = "production", os_sku = "AzureLinux", os_type = "Linux" }
    staging = { environment = "staging", os_sku = "Windows2022", os_type = "Windows" }
  }
}

resource "azurerm_kubernetes_cluster" "shared" {
  name     = "aks-shared"
  location = "westeurope"

  default_node_pool {
    name           = "system"
    vm_size        = "Standard_D4ds_v5"
    vnet_subnet_id = var.subnet_id
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "pool" {
  for_each              = local.pools
  name                  = each.key
  kubernetes_cluster_id = azurerm_kubernetes_cluster.shared.id
  vm_size               = "Standard_D8ds_v5"
  mode                  = "User"
  os_type               = each.value.os_type
  os_sku                = each.value.os_sku
  vnet_subnet_id        = var.subnet_id
  node_labels = {
    environment = each.value.environment
  }
}
