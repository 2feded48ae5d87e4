using './main.bicep'

param registryName = 'contosopaymentsdev'
param features = [
  'legacy-push'
]
param allowedIpRanges = [
  '203.0.113.0/24'
]
param privateEndpointSubnets = []
param untaggedRetentionDays = 0
param logCategories = [
  'ContainerRegistryLoginEvents'
]
param workspaceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-obs/providers/Microsoft.OperationalInsights/workspaces/law-dev'
param manageDefenderPlan = false
