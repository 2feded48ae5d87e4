locals {
  environment_defaults = {
    tier                     = "production"
    admin_group_ids          = []
    azure_policy             = true
    monitoring               = true
    gitops                   = true
    http_application_routing = false
    allow_github_actions     = false
    pool_zones               = ["1", "2", "3"]
  }
  environments = { for name, env in var.environments : name => merge(local.environment_defaults, env) }

  network_policy_by_tier = {
    production    = "azure"
    nonproduction = "azure"
  }

  workspace_id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-obs/providers/Microsoft.OperationalInsights/workspaces/law-shared"
}
