// The payments registry, one template for every environment: its module
// deploys the registry, its geo-replica, private endpoints and diagnostic
// setting; the Defender for Containers plan is a subscription-scope module
// that only the platform subscription's deployment turns on.
targetScope = 'resourceGroup'

param registryName string
param location string = 'westeurope'

@allowed([
  'Basic'
  'Standard'
  'Premium'
])
param sku string = 'Premium'

@description('Optional features: legacy-push keeps the admin user for the old build agents.')
param features array = []

@description('Office egress ranges allowed through the registry firewall; empty: private only.')
param allowedIpRanges array = []

param privateEndpointSubnets array = [
  '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-payments/subnets/snet-endpoints'
]

param untaggedRetentionDays int = 7
param logCategories array = [
  'ContainerRegistryLoginEvents'
  'ContainerRegistryRepositoryEvents'
]
param workspaceId string
param manageDefenderPlan bool = true

module registry './modules/registry.bicep' = {
  name: 'registry-${registryName}'
  params: {
    name: registryName
    location: location
    sku: sku
    adminUserEnabled: contains(features, 'legacy-push')
    allowedIpRanges: allowedIpRanges
    privateEndpointSubnets: privateEndpointSubnets
    retentionDays: untaggedRetentionDays
    logCategories: logCategories
    workspaceId: workspaceId
  }
}

module defenderPlan './modules/defender.bicep' = if (manageDefenderPlan) {
  name: 'defender-containers'
  scope: subscription()
}
