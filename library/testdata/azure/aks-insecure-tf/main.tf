# The lab cluster as a quickstart writes it: public API server open to the
# internet, local accounts, kubenet, pools that share one subnet.
resource "azurerm_kubernetes_cluster" "lab" {
  name                              = var.name
  location                          = "westeurope"
  resource_group_name               = "rg-lab"
  dns_prefix                        = var.name
  kubernetes_version                = var.kubernetes_version
  sku_tier                          = "Free"
  role_based_access_control_enabled = true
  local_account_disabled            = false
  oidc_issuer_enabled               = false
  workload_identity_enabled         = false
  private_cluster_enabled           = false
  azure_policy_enabled              = false
  http_application_routing_enabled  = true

  api_server_access_profile {
    authorized_ip_ranges = var.authorized_ranges
  }

  network_profile {
    network_plugin = "kubenet"
  }

  default_node_pool {
    name       = "default"
    vm_size    = "Standard_B2s"
    node_count = 1
  }

  linux_profile {
    admin_username = "azureuser"
    ssh_key {
      key_data = "ssh-rsa AAAA..."
    }
  }

  service_principal {
    client_id     = "00000000-0000-0000-0000-00000000beef"
    client_secret = "not-a-secret"
  }
}

# Production and dev pools on one subnet.
locals {
  pools = {
    prod = "production"
    dev  = "dev"
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "env" {
  for_each              = local.pools
  name                  = each.key
  kubernetes_cluster_id = azurerm_kubernetes_cluster.lab.id
  vm_size               = "Standard_D4ds_v5"
  mode                  = "User"
  vnet_subnet_id        = var.subnet_id
  node_labels = {
    environment = each.value
  }
}

# A Windows pool for the build jobs, when they are enabled.
resource "azurerm_kubernetes_cluster_node_pool" "win" {
  count                 = var.windows_jobs ? 1 : 0
  name                  = "win"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.lab.id
  vm_size               = "Standard_D4ds_v5"
  mode                  = "User"
  os_type               = "Windows"
  os_sku                = "Windows2022"
}
