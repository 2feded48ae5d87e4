# One AKS cluster for a landing zone. Every optional feature is a variable
# and a dynamic block, as the public AKS modules write it.
data "azurerm_kubernetes_service_versions" "current" {
  location        = var.location
  include_preview = false
}

# Platform feature flags live in App Configuration, one label per
# environment.
data "azurerm_app_configuration_key" "workload_identity" {
  configuration_store_id = var.app_configuration_id
  key                    = "aks:workload-identity"
  label                  = var.environment
}

resource "azurerm_kubernetes_cluster" "main" {
  name                = var.name
  location            = var.location
  resource_group_name = var.resource_group_name
  dns_prefix          = var.name
  kubernetes_version  = coalesce(var.kubernetes_version, data.azurerm_kubernetes_service_versions.current.latest_version)
  sku_tier            = var.sku_tier

  role_based_access_control_enabled = true
  local_account_disabled            = var.local_account_disabled
  oidc_issuer_enabled               = tobool(data.azurerm_app_configuration_key.workload_identity.value)
  workload_identity_enabled         = tobool(data.azurerm_app_configuration_key.workload_identity.value)
  private_cluster_enabled           = false
  azure_policy_enabled              = var.azure_policy_enabled
  automatic_upgrade_channel         = var.automatic_upgrade_channel
  node_os_upgrade_channel           = var.node_os_upgrade_channel

  azure_active_directory_role_based_access_control {
    azure_rbac_enabled     = var.rbac_aad_azure_rbac_enabled
    admin_group_object_ids = var.rbac_aad_admin_group_object_ids
  }

  dynamic "api_server_access_profile" {
    for_each = var.api_server_authorized_ip_ranges == null ? [] : ["ranges"]
    content {
      authorized_ip_ranges = var.api_server_authorized_ip_ranges
    }
  }

  network_profile {
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
    network_policy      = var.network_policy
    network_data_plane  = var.network_policy == "cilium" ? "cilium" : "azure"
  }

  default_node_pool {
    name                    = "system"
    vm_size                 = var.system_pool.vm_size
    os_sku                  = var.linux_os_sku
    zones                   = var.system_pool.zones
    auto_scaling_enabled    = true
    min_count               = var.system_pool.min_count
    max_count               = var.system_pool.max_count
    host_encryption_enabled = var.host_encryption_enabled
    vnet_subnet_id          = var.system_pool.subnet_id
    node_labels = {
      environment = "production"
    }
  }

  dynamic "identity" {
    for_each = var.client_id == "" || var.client_secret == "" ? ["identity"] : []
    content {
      type = "SystemAssigned"
    }
  }

  dynamic "service_principal" {
    for_each = var.client_id != "" && var.client_secret != "" ? ["service_principal"] : []
    content {
      client_id     = var.client_id
      client_secret = var.client_secret
    }
  }

  dynamic "linux_profile" {
    for_each = var.admin_ssh_public_key == null ? [] : ["ssh"]
    content {
      admin_username = "azureuser"
      ssh_key {
        key_data = var.admin_ssh_public_key
      }
    }
  }

  oms_agent {
    log_analytics_workspace_id = var.log_analytics_workspace_id
  }

  dynamic "microsoft_defender" {
    for_each = var.microsoft_defender_enabled ? [var.log_analytics_workspace_id] : []
    content {
      log_analytics_workspace_id = microsoft_defender.value
    }
  }

  dynamic "key_vault_secrets_provider" {
    for_each = var.key_vault_secrets_provider == null ? [] : [var.key_vault_secrets_provider]
    content {
      secret_rotation_enabled  = key_vault_secrets_provider.value.secret_rotation_enabled
      secret_rotation_interval = key_vault_secrets_provider.value.secret_rotation_interval
    }
  }

  dynamic "key_management_service" {
    for_each = var.kms_key_vault_key_id == null ? [] : [var.kms_key_vault_key_id]
    content {
      key_vault_key_id         = key_management_service.value
      key_vault_network_access = "Private"
    }
  }

  lifecycle {
    ignore_changes = [kubernetes_version, default_node_pool[0].node_count]
  }
}
