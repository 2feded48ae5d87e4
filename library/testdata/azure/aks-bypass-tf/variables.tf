variable "workload" {
  type        = string
  description = "Short workload name used in resource names."
  default     = "platform"
}

variable "environment" {
  type        = string
  description = "Environment keyword: production, staging or development."
  default     = "production"
}

variable "location" {
  type    = string
  default = "westeurope"
}

variable "aks_overrides" {
  type        = any
  description = "Per-landing-zone overrides merged over local.aks_defaults."
  default     = {}
}

variable "office_ranges" {
  type    = list(string)
  default = ["203.0.113.0/24", "198.51.100.0/24"]
}

variable "extra_authorized_ranges" {
  type        = list(string)
  description = "Temporary ranges (build agents, vendors); reviewed monthly."
  default     = []
}

variable "local_account_disabled" {
  type    = bool
  default = true
}

variable "azure_policy_enabled" {
  type    = bool
  default = true
}

variable "backup_enabled" {
  type    = bool
  default = true
}

variable "maintenance_window" {
  type = object({
    day   = string
    hours = list(number)
  })
  default = null
}

variable "kms_key_vault_key_id" {
  type    = string
  default = "https://kv-platform-prd.vault.azure.net/keys/aks-etcd/2f0c6a1e9b7d4c3a8e5f1b2d3c4a5e6f"
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
