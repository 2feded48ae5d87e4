variable "location" {
  type    = string
  default = "westeurope"
}

variable "office_ranges" {
  type    = list(string)
  default = ["203.0.113.0/24"]
}

variable "environments" {
  type        = any
  description = "One AKS cluster per key; each value overrides local.environment_defaults."
}
