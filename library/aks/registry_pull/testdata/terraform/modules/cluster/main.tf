variable "name" {
  type = string
}

resource "azurerm_kubernetes_cluster" "this" {
  name = var.name

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_role_assignment" "reader" {
  role_definition_name = "Reader"
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"
  principal_id         = azurerm_kubernetes_cluster.this.kubelet_identity[0].object_id
}

output "kubelet_object_id" {
  value = azurerm_kubernetes_cluster.this.kubelet_identity[0].object_id
}
