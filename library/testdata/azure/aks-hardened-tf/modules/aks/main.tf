data "azurerm_client_config" "current" {}

data "azurerm_container_registry" "shared" {
  name                = "contosoprod"
  resource_group_name = "rg-acr"
}

resource "azurerm_kubernetes_cluster" "this" {
  name               = var.name
  location           = var.location
  dns_prefix         = var.name
  kubernetes_version = "1.32.3"
  sku_tier           = "Standard"

  role_based_access_control_enabled = true
  local_account_disabled            = true
  oidc_issuer_enabled               = true
  workload_identity_enabled         = true
  private_cluster_enabled           = true
  azure_policy_enabled              = true
  automatic_upgrade_channel         = "stable"
  node_os_upgrade_channel           = "NodeImage"

  azure_active_directory_role_based_access_control {
    azure_rbac_enabled     = true
    admin_group_object_ids = var.admin_group_ids
    tenant_id              = data.azurerm_client_config.current.tenant_id
  }

  network_profile {
    network_plugin      = "azure"
    network_plugin_mode = "overlay"
    network_policy      = "cilium"
    network_data_plane  = "cilium"
  }

  default_node_pool {
    name                         = "system"
    vm_size                      = "Standard_D4ds_v5"
    os_sku                       = "AzureLinux"
    zones                        = var.zones
    host_encryption_enabled      = true
    auto_scaling_enabled         = true
    min_count                    = 3
    max_count                    = 5
    only_critical_addons_enabled = true
    vnet_subnet_id               = var.subnets["system"]
    node_labels = {
      environment = "production"
    }
  }

  oms_agent {
    log_analytics_workspace_id = var.workspace_id
  }

  microsoft_defender {
    log_analytics_workspace_id = var.workspace_id
  }

  key_vault_secrets_provider {
    secret_rotation_enabled  = true
    secret_rotation_interval = "2m"
  }

  key_management_service {
    key_vault_key_id         = "https://kv-prod.vault.azure.net/keys/etcd/0123456789abcdef0123456789abcdef"
    key_vault_network_access = "Private"
  }

  identity {
    type = "SystemAssigned"
  }

  lifecycle {
    ignore_changes = [kubernetes_version]
  }
}

resource "azurerm_kubernetes_cluster_node_pool" "apps" {
  name                    = "apps"
  kubernetes_cluster_id   = azurerm_kubernetes_cluster.this.id
  mode                    = "User"
  vm_size                 = "Standard_D8ds_v5"
  os_sku                  = "AzureLinux"
  zones                   = var.zones
  host_encryption_enabled = true
  auto_scaling_enabled    = true
  min_count               = 3
  max_count               = 20
  vnet_subnet_id          = var.subnets["apps"]
  node_labels             = { environment = "production" }
  node_taints             = []
}

resource "azurerm_monitor_diagnostic_setting" "aks" {
  name                       = "audit-to-law"
  target_resource_id         = azurerm_kubernetes_cluster.this.id
  log_analytics_workspace_id = var.workspace_id

  dynamic "enabled_log" {
    for_each = var.audit_categories
    content {
      category = enabled_log.value
    }
  }
}

resource "azurerm_kubernetes_cluster_extension" "backup" {
  name           = "azure-aks-backup"
  cluster_id     = azurerm_kubernetes_cluster.this.id
  extension_type = "Microsoft.DataProtection.Kubernetes"
}

resource "azurerm_kubernetes_flux_configuration" "platform" {
  name       = "platform"
  cluster_id = azurerm_kubernetes_cluster.this.id
  namespace  = "flux-system"

  git_repository {
    url             = "https://github.com/contoso/platform"
    reference_type  = "branch"
    reference_value = "main"
  }
}

resource "azurerm_role_assignment" "acr_pull" {
  role_definition_name             = "AcrPull"
  scope                            = data.azurerm_container_registry.shared.id
  principal_id                     = azurerm_kubernetes_cluster.this.kubelet_identity[0].object_id
  skip_service_principal_aad_check = true
}
