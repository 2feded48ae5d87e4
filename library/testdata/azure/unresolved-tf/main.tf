# Settings that only exist at apply: variables no file sets, dynamic
# blocks and a count over them, a module output. None may be read as
# unset or as compliant.
module "defaults" {
  source = "./modules/defaults"
}

resource "azurerm_kubernetes_cluster" "ci" {
  name                   = "aks-ci"
  location               = "westeurope"
  resource_group_name    = "rg-ci"
  dns_prefix             = "aks-ci"
  local_account_disabled = var.local_accounts_disabled
  azure_policy_enabled   = module.defaults.azure_policy_enabled

  api_server_access_profile {
    authorized_ip_ranges = var.authorized_ranges
  }

  network_profile {
    network_plugin = "azure"
    network_policy = var.network_policy
  }

  default_node_pool {
    name    = "system"
    vm_size = "Standard_D4ds_v5"
  }

  identity {
    type = "SystemAssigned"
  }

  dynamic "oms_agent" {
    for_each = var.monitoring_workspaces
    content {
      log_analytics_workspace_id = oms_agent.value
    }
  }
}

resource "azurerm_container_registry" "ci" {
  name                          = "contosoci"
  resource_group_name           = "rg-ci"
  location                      = "westeurope"
  sku                           = var.registry_sku
  admin_enabled                 = var.admin_enabled
  public_network_access_enabled = module.defaults.public_network_access_enabled

  dynamic "georeplications" {
    for_each = var.replica_locations
    content {
      location = georeplications.value
    }
  }
}

resource "azurerm_monitor_diagnostic_setting" "acr" {
  count                      = var.diagnostics_enabled ? 1 : 0
  name                       = "to-law"
  target_resource_id         = azurerm_container_registry.ci.id
  log_analytics_workspace_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-obs/providers/Microsoft.OperationalInsights/workspaces/law-ci"

  enabled_log {
    category_group = "allLogs"
  }
}
