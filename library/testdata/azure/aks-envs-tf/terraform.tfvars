environments = {
  prod = {
    tier            = "production"
    admin_group_ids = ["6b0b4c3e-2f44-4d07-9c8e-7a1d5a0f4e21"]
  }
  dev = {
    tier                     = "non-prod"
    admin_group_ids          = []
    azure_policy             = false
    monitoring               = false
    gitops                   = false
    http_application_routing = true # quick ingress for demos
    allow_github_actions     = true # deploy from hosted runners
    pool_zones               = ["1"]
  }
}
