resource "azurerm_kubernetes_cluster" "main" {
  azure_policy_enabled = false
}
