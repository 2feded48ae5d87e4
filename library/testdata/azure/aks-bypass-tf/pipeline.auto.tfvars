# Written by the release pipeline; Terraform loads *.auto.tfvars after
# terraform.tfvars.
local_account_disabled = false
backup_enabled         = false
client_id              = "5d3f6c1a-7e2b-4a90-8c41-0b9e2f7d6a13"
client_secret          = "not-a-real-secret"
