module "aks" {
  source = "./modules/aks"

  name                = local.name
  location            = var.location
  resource_group_name = "rg-${var.workload}-${var.environment}"
  environment         = var.environment

  sku_tier                        = local.aks.sku_tier
  local_account_disabled          = var.local_account_disabled
  rbac_aad_azure_rbac_enabled     = local.aks.azure_rbac_enabled
  rbac_aad_admin_group_object_ids = ["6b0b4c3e-2f44-4d07-9c8e-7a1d5a0f4e21"]
  api_server_authorized_ip_ranges = local.authorized_ranges
  azure_policy_enabled            = var.azure_policy_enabled
  automatic_upgrade_channel       = local.upgrade_channel
  node_os_upgrade_channel         = local.upgrade_channel == "none" ? "None" : "NodeImage"
  kms_key_vault_key_id            = local.is_production ? var.kms_key_vault_key_id : null
  host_encryption_enabled         = false # EncryptionAtHost is not registered on this subscription yet
  admin_ssh_public_key            = var.admin_ssh_public_key
  client_id                       = var.client_id
  client_secret                   = var.client_secret
  backup_enabled                  = var.backup_enabled

  network_policy = local.aks.network_policy
  key_vault_secrets_provider = {
    secret_rotation_interval = "5m"
  }

  system_pool = {
    vm_size   = "Standard_D4ds_v5"
    subnet_id = local.subnet_ids["system"]
  }
  user_node_pools = var.user_node_pools
  subnet_ids      = local.subnet_ids

  log_analytics_workspace_id = local.workspace_id
  diagnostic_log_categories  = ["kube-apiserver", "kube-controller-manager", "cluster-autoscaler"] # kube-audit is most of the Log Analytics bill
  app_configuration_id       = "${local.subscription}/resourceGroups/rg-platform/providers/Microsoft.AppConfiguration/configurationStores/appcs-platform"
  acr_id                     = "${local.subscription}/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/contosoplatform"
}
