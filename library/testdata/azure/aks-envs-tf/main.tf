data "github_ip_ranges" "current" {}

resource "azurerm_kubernetes_cluster" "env" {
  for_each = local.environments

  name                = "aks-shop-${each.key}"
  location            = var.location
  resource_group_name = "rg-shop-${each.key}"
  dns_prefix          = "aks-shop-${each.key}"
  kubernetes_version  = "1.32.3"
  sku_tier            = "Standard"

  role_based_access_control_enabled = true
  local_account_disabled            = true
  oidc_issuer_enabled               = true
  workload_identity_enabled         = true
  azure_policy_enabled              = each.value.azure_policy
  http_application_routing_enabled  = each.value.http_application_routing
  automatic_upgrade_channel         = "stable"
  node_os_upgrade_channel           = "NodeImage"

  api_server_access_profile {
    authorized_ip_ranges = each.value.allow_github_actions ? concat(var.office_ranges, data.github_ip_ranges.current.actions_ipv4) : var.office_ranges
  }

  dynamic "azure_active_directory_role_based_access_control" {
    for_each = length(each.value.admin_group_ids) > 0 ? [each.value.admin_group_ids] : []
    content {
      azure_rbac_enabled     = true
      admin_group_object_ids = azure_active_directory_role_based_access_control.value
    }
  }

  network_profile {
    network_plugin     = "azure"
    network_policy     = try(local.network_policy_by_tier[each.value.tier], null)
    network_data_plane = "azure"
  }

  default_node_pool {
    name                         = "system"
    vm_size                      = "Standard_D4ds_v5"
    os_sku                       = "AzureLinux"
    zones                        = ["1", "2", "3"]
    auto_scaling_enabled         = true
    min_count                    = 3
    max_count                    = 5
    host_encryption_enabled      = true
    only_critical_addons_enabled = true
  }

  dynamic "oms_agent" {
    for_each = each.value.monitoring ? [local.workspace_id] : []
    content {
      log_analytics_workspace_id = oms_agent.value
    }
  }

  microsoft_defender {
    log_analytics_workspace_id = local.workspace_id
  }

  key_vault_secrets_provider {
    secret_rotation_enabled = true
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_kubernetes_flux_configuration" "platform" {
  for_each = { for name, env in local.environments : name => env if env.gitops }

  name       = "platform"
  cluster_id = azurerm_kubernetes_cluster.env[each.key].id
  namespace  = "flux-system"

  git_repository {
    url             = "https://github.com/contoso/shop-gitops"
    reference_type  = "branch"
    reference_value = each.key
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "apps" {
  for_each = local.environments

  name                    = "apps"
  kubernetes_cluster_id   = azurerm_kubernetes_cluster.env[each.key].id
  mode                    = "User"
  vm_size                 = "Standard_D8ds_v5"
  os_sku                  = "AzureLinux"
  zones                   = each.value.pool_zones
  auto_scaling_enabled    = true
  min_count               = 1
  max_count               = 10
  host_encryption_enabled = true
}
