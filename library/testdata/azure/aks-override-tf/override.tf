# Terraform merges override.tf and *_override.tf into the blocks they
# name, after every other file: this default replaces the one in
# variables.tf.
variable "local_account_disabled" {
  default = false
}
