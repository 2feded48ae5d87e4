variable "environment" {
  type    = string
  default = "dev"
}

variable "admin_group_ids" {
  type    = list(string)
  default = []
}

variable "regions" {
  type    = map(string)
  default = { weu = "westeurope" }
}
