resource "azurerm_container_registry" "lab" {
  name                          = "contosolab"
  sku                           = "Basic"
  admin_enabled                 = true
  public_network_access_enabled = true
}
