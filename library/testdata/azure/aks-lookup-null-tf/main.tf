variable "clusters" {
  type = map(string)
  default = {
    prod = "production"
    dev  = "development"
  }
}

locals {
  network_policy_by_tier = {
    production = "azure"
  }
}

resource "azurerm_kubernetes_cluster" "env" {
  for_each = var.clusters

  name                = "aks-${each.key}"
  location            = "westeurope"
  resource_group_name = "rg-${each.key}"
  dns_prefix          = "aks-${each.key}"

  network_profile {
    network_plugin     = "azure"
    network_policy     = lookup(local.network_policy_by_tier, each.value, null)
    network_data_plane = "azure"
  }

  default_node_pool {
    name    = "system"
    vm_size = "Standard_D4ds_v5"
  }

  identity {
    type = "SystemAssigned"
  }
}
