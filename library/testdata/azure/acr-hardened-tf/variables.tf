variable "replica_locations" {
  type    = set(string)
  default = ["westeurope"]
}
