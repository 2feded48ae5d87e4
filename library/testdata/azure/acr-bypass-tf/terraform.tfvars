location          = "westeurope"
replica_locations = ["westeurope"]

build_agent_ip_ranges = ["198.51.100.0/26"] # on-prem agents until the VNet runners land

excluded_log_categories = ["ContainerRegistryLoginEvents"] # token refreshes flood the workspace

defender_plans = ["VirtualMachines", "KeyVaults", "StorageAccounts", "Arm"]
