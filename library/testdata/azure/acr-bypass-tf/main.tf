# The platform team's registry, owned in another state: the regional cache
# keeps the same SKU and admin setting.
data "azurerm_container_registry" "platform" {
  name                = "contosoplatform"
  resource_group_name = "rg-platform-acr"
}

resource "azurerm_container_registry" "hub" {
  name                          = "contosohub"
  resource_group_name           = "rg-acr"
  location                      = var.location
  sku                           = "Premium"
  admin_enabled                 = false
  anonymous_pull_enabled        = false
  public_network_access_enabled = length(var.build_agent_ip_ranges) > 0
  retention_policy_in_days      = 7
  zone_redundancy_enabled       = true

  network_rule_set {
    default_action = "Deny"

    dynamic "ip_rule" {
      for_each = var.build_agent_ip_ranges
      content {
        action   = "Allow"
        ip_range = ip_rule.value
      }
    }
  }

  dynamic "georeplications" {
    for_each = [for region in var.replica_locations : region if region != var.location]
    content {
      location                = georeplications.value
      zone_redundancy_enabled = true
    }
  }
}

resource "azurerm_container_registry" "cache" {
  name                          = "contosocacheneu"
  resource_group_name           = "rg-acr"
  location                      = "northeurope"
  sku                           = data.azurerm_container_registry.platform.sku
  admin_enabled                 = data.azurerm_container_registry.platform.admin_enabled
  anonymous_pull_enabled        = false
  public_network_access_enabled = false
  export_policy_enabled         = false
  retention_policy_in_days      = 7

  network_rule_set {
    default_action = "Deny"
  }
}

resource "azurerm_private_endpoint" "acr" {
  for_each = {
    hub   = azurerm_container_registry.hub.id
    cache = azurerm_container_registry.cache.id
  }

  name                = "pe-acr-${each.key}"
  location            = var.location
  resource_group_name = "rg-acr"
  subnet_id           = local.private_endpoint_subnet_id

  private_service_connection {
    name                           = "registry"
    private_connection_resource_id = each.value
    subresource_names              = ["registry"]
    is_manual_connection           = false
  }
}

resource "azurerm_monitor_diagnostic_setting" "acr" {
  for_each = {
    hub   = azurerm_container_registry.hub.id
    cache = azurerm_container_registry.cache.id
  }

  name                       = "diag-acr-${each.key}"
  target_resource_id         = each.value
  log_analytics_workspace_id = local.workspace_id

  dynamic "enabled_log" {
    for_each = local.acr_log_categories
    content {
      category = enabled_log.value
    }
  }
}

resource "azurerm_security_center_subscription_pricing" "plans" {
  for_each = toset(var.defender_plans)

  tier          = "Standard"
  resource_type = each.value
}
