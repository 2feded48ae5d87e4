variable "name" {
  type = string
}

variable "authorized_ranges" {
  type    = list(string)
  default = ["0.0.0.0/0"]
}

variable "kubernetes_version" {
  type    = string
  default = null
}

resource "azurerm_kubernetes_cluster" "this" {
  name                              = var.name
  location                          = "westeurope"
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
  automatic_channel_upgrade         = null

  api_server_access_profile {
    authorized_ip_ranges = var.authorized_ranges
  }

  network_profile {
    network_plugin = "kubenet"
    network_policy = null
  }

  default_node_pool {
    name    = "default"
    vm_size = "Standard_B2s"
    os_sku  = null
    zones   = null
  }

  linux_profile {
    admin_username = "azureuser"
    ssh_key {
      key_data = "ssh-rsa AAAA..."
    }
  }

  service_principal {
    client_id = "00000000-0000-0000-0000-00000000beef"
  }
}
