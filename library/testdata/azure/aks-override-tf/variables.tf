variable "local_account_disabled" {
  type    = bool
  default = true
}
