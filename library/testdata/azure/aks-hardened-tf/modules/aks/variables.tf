variable "name" {
  type = string
}

variable "admin_group_ids" {
  type = list(string)
}

variable "workspace_id" {
  type = string
}

variable "subnets" {
  type = map(string)
}

variable "audit_categories" {
  type    = list(string)
  default = ["kube-audit"]
}

variable "zones" {
  type    = list(string)
  default = ["1", "2", "3"]
}

variable "location" {
  type    = string
  default = "westeurope"
}
