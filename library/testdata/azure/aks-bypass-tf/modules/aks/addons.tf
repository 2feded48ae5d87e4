resource "azurerm_monitor_diagnostic_setting" "aks" {
  name                       = "diag-${var.name}"
  target_resource_id         = azurerm_kubernetes_cluster.main.id
  log_analytics_workspace_id = var.log_analytics_workspace_id

  dynamic "enabled_log" {
    for_each = toset(var.diagnostic_log_categories)
    content {
      category = enabled_log.value
    }
  }
}

resource "azurerm_kubernetes_cluster_extension" "backup" {
  count = var.backup_enabled ? 1 : 0

  name           = "azure-aks-backup"
  cluster_id     = azurerm_kubernetes_cluster.main.id
  extension_type = "Microsoft.DataProtection.Kubernetes"
}

resource "azurerm_kubernetes_flux_configuration" "platform" {
  name       = "platform"
  cluster_id = azurerm_kubernetes_cluster.main.id
  namespace  = "flux-system"

  git_repository {
    url             = "https://github.com/contoso/platform-gitops"
    reference_type  = "branch"
    reference_value = "main"
  }

  kustomizations {
    name = "platform"
    path = "./clusters/${var.environment}"
  }
}

resource "azurerm_role_assignment" "acr_pull" {
  scope                            = var.acr_id
  role_definition_name             = "AcrPull"
  principal_id                     = azurerm_kubernetes_cluster.main.kubelet_identity[0].object_id
  skip_service_principal_aad_check = true
}
