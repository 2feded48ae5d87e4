# Two clusters in the root module and an AcrPull assignment to a principal
# given as a literal object ID: it names neither cluster, so it clears
# neither.
resource "azurerm_kubernetes_cluster" "blue" {
  name = "aks-blue"

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_kubernetes_cluster" "green" {
  name = "aks-green"

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_role_assignment" "pull" {
  role_definition_name = "AcrPull"
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/shopacr"
  principal_id         = "6b0b4c3e-2f44-4d07-9c8e-7a1d5a0f4e21"
}
