output "azure_policy_enabled" {
  value = true
}

output "public_network_access_enabled" {
  value = false
}
