# Another configuration, scanned beside testdata/terraform: its references
# are its own, and never reach that configuration's clusters, whatever
# they spell.
resource "azurerm_role_assignment" "batch_pull" {
  role_definition_name = "AcrPull"
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/shopacr"
  principal_id         = module.batch.kubelet_object_id
}

resource "azurerm_role_assignment" "batch_reader" {
  role_definition_name = "Reader"
  scope                = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg"
  principal_id         = module.batch.azurerm_kubernetes_cluster.this.kubelet_identity[0].object_id
}
