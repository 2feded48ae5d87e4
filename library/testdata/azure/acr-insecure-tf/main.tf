# A lab registry as the quickstart writes it: Basic SKU, admin user,
# public network access, no diagnostics.
resource "azurerm_container_registry" "lab" {
  name                          = "contosolab"
  resource_group_name           = "rg-lab"
  location                      = "westeurope"
  sku                           = "Basic"
  admin_enabled                 = true
  public_network_access_enabled = true
}
