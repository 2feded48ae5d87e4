module "aks" {
  source  = "contoso/aks/azurerm"
  version = "~> 2.0"

  name = "aks-lab"
}
