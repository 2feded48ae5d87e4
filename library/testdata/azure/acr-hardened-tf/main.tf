resource "azurerm_container_registry" "prod" {
  name                          = "contosoprod"
  resource_group_name           = "rg-acr"
  sku                           = "Premium"
  admin_enabled                 = false
  anonymous_pull_enabled        = false
  public_network_access_enabled = false
  trust_policy_enabled          = true
  export_policy_enabled         = false
  retention_policy_in_days      = 7
  zone_redundancy_enabled       = true

  network_rule_set {
    default_action = "Deny"
  }

  dynamic "georeplications" {
    for_each = var.replica_locations
    iterator = replica
    content {
      location                = replica.value
      zone_redundancy_enabled = true
    }
  }
}

resource "azurerm_private_endpoint" "acr" {
  name = "pe-${azurerm_container_registry.prod.name}"

  private_service_connection {
    name                           = "registry"
    private_connection_resource_id = azurerm_container_registry.prod.id
    subresource_names              = ["registry"]
    is_manual_connection           = false
  }
}

resource "azurerm_monitor_diagnostic_setting" "acr" {
  name                       = "to-law"
  target_resource_id         = azurerm_container_registry.prod.id
  log_analytics_workspace_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-obs/providers/Microsoft.OperationalInsights/workspaces/law-prod"

  enabled_log {
    category_group = "allLogs"
  }
}

resource "azurerm_security_center_subscription_pricing" "containers" {
  tier          = "Standard"
  resource_type = "Containers"
}
