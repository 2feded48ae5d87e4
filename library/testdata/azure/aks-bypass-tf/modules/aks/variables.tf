variable "name" {
  type = string
}

variable "location" {
  type = string
}

variable "resource_group_name" {
  type = string
}

variable "environment" {
  type = string
}

variable "kubernetes_version" {
  type        = string
  description = "Leave null to follow the newest GA version in the region."
  default     = null
}

variable "sku_tier" {
  type    = string
  default = "Standard"
}

variable "local_account_disabled" {
  type    = bool
  default = true
}

variable "rbac_aad_azure_rbac_enabled" {
  type    = bool
  default = true
}

variable "rbac_aad_admin_group_object_ids" {
  type    = list(string)
  default = []
}

variable "api_server_authorized_ip_ranges" {
  type    = list(string)
  default = null
}

variable "network_policy" {
  type    = string
  default = "cilium"
}

variable "azure_policy_enabled" {
  type    = bool
  default = true
}

variable "microsoft_defender_enabled" {
  type    = bool
  default = false
}

variable "automatic_upgrade_channel" {
  type    = string
  default = "stable"
}

variable "node_os_upgrade_channel" {
  type    = string
  default = "NodeImage"
}

variable "kms_key_vault_key_id" {
  type    = string
  default = null
}

variable "host_encryption_enabled" {
  type    = bool
  default = true
}

variable "admin_ssh_public_key" {
  type    = string
  default = null
}

variable "client_id" {
  type    = string
  default = ""
}

variable "client_secret" {
  type      = string
  default   = ""
  sensitive = true
}

variable "key_vault_secrets_provider" {
  type = object({
    secret_rotation_enabled  = optional(bool, false)
    secret_rotation_interval = optional(string, "2m")
  })
  default = null
}

variable "system_pool" {
  type = object({
    vm_size   = string
    subnet_id = string
    zones     = optional(list(string), ["1", "2", "3"])
    min_count = optional(number, 3)
    max_count = optional(number, 5)
  })
}

variable "user_node_pools" {
  type = map(object({
    vm_size     = string
    os_type     = optional(string, "Linux")
    zones       = optional(list(string), ["1", "2", "3"])
    min_count   = optional(number, 1)
    max_count   = optional(number, 10)
    environment = optional(string, "production")
    subnet      = optional(string, "apps")
  }))
  default = {}
}

variable "subnet_ids" {
  type = map(string)
}

variable "linux_os_sku" {
  type    = string
  default = "AzureLinux"
}

variable "log_analytics_workspace_id" {
  type = string
}

variable "diagnostic_log_categories" {
  type    = list(string)
  default = ["kube-audit-admin", "kube-apiserver", "guard"]
}

variable "backup_enabled" {
  type    = bool
  default = true
}

variable "app_configuration_id" {
  type = string
}

variable "acr_id" {
  type = string
}
