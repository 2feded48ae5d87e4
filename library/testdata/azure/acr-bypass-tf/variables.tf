variable "location" {
  type    = string
  default = "westeurope"
}

variable "replica_locations" {
  type        = list(string)
  description = "Regions the hub registry replicates to (its own region is skipped)."
  default     = ["northeurope"]
}

variable "build_agent_ip_ranges" {
  type        = list(string)
  description = "Self-hosted build agents outside the VNet; opens the public endpoint when set."
  default     = []
}

variable "excluded_log_categories" {
  type    = list(string)
  default = []
}

variable "defender_plans" {
  type    = list(string)
  default = ["Containers", "KeyVaults", "StorageAccounts"]
}
