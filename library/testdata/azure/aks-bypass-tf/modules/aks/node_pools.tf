resource "azurerm_kubernetes_cluster_node_pool" "user" {
  for_each = var.user_node_pools

  name                    = each.key
  kubernetes_cluster_id   = azurerm_kubernetes_cluster.main.id
  mode                    = "User"
  vm_size                 = each.value.vm_size
  os_type                 = each.value.os_type
  os_sku                  = each.value.os_type == "Windows" ? "Windows2019" : var.linux_os_sku
  zones                   = each.value.zones
  auto_scaling_enabled    = true
  min_count               = each.value.min_count
  max_count               = each.value.max_count
  host_encryption_enabled = var.host_encryption_enabled
  vnet_subnet_id          = lookup(var.subnet_ids, each.value.subnet, var.subnet_ids["apps"])
  node_labels = {
    environment = each.value.environment
  }
}
