# Two clusters, each from the same module; only "shop" is granted AcrPull,
# by an assignment in the root module that names its kubelet identity.
module "shop" {
  source = "./modules/cluster"
  name   = "aks-shop"
}

module "batch" {
  source = "./modules/cluster"
  name   = "aks-batch"
}

resource "azurerm_role_assignment" "shop_pull" {
  role_definition_name = "AcrPull"
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/shopacr"
  principal_id         = module.shop.kubelet_object_id
}
