# Values the pipeline passes with -var at apply: no default, no .tfvars.
variable "local_accounts_disabled" {
  type = bool
}

variable "network_policy" {
  type = string
}

variable "authorized_ranges" {
  type = list(string)
}

variable "admin_enabled" {
  type = bool
}

variable "registry_sku" {
  type = string
}

variable "replica_locations" {
  type = set(string)
}

variable "diagnostics_enabled" {
  type = bool
}

variable "monitoring_workspaces" {
  type = list(string)
}
