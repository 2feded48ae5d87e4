variable "name" {
  type = string
}

variable "authorized_ranges" {
  type    = list(string)
  default = ["0.0.0.0/0"]
}

variable "kubernetes_version" {
  type    = string
  default = null
}

variable "subnet_id" {
  type    = string
  default = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-lab/providers/Microsoft.Network/virtualNetworks/vnet-lab/subnets/nodes"
}

variable "windows_jobs" {
  type    = bool
  default = false
}
