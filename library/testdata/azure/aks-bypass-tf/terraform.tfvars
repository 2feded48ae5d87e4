workload    = "platform"
environment = "prod"
location    = "westeurope"

aks_overrides = {
  sku_tier           = "Standard"
  azure_rbac_enabled = false # until the platform team's Entra groups are migrated
}

extra_authorized_ranges = ["0.0.0.0/0"] # TEMP: hosted build agents, remove after PLAT-2211

local_account_disabled = true
azure_policy_enabled   = true
backup_enabled         = true

admin_ssh_public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBreakGlassKeyForNodeDebugging ops@contoso"

user_node_pools = {
  apps = {
    vm_size   = "Standard_D8ds_v5"
    min_count = 3
    max_count = 12
  }
  batch = {
    vm_size   = "Standard_D16ds_v5"
    os_type   = "Windows"
    zones     = ["1"] # Windows build capacity is only reserved in zone 1
    min_count = 0
    max_count = 6
    subnet    = "batch"
  }
  loadtest = {
    vm_size     = "Standard_D8ds_v5"
    min_count   = 0
    max_count   = 20
    environment = "loadtest"
    subnet      = "loadtest"
  }
}
