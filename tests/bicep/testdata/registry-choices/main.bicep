// A registry whose SKU is a choice (@allowed: each allowed value is
// judged), geo-replicated by a loop of child resources, reached by a
// private endpoint, its logs sent by one diagnostic setting and maybe
// archived by another whose condition has no value.
@allowed([
  'Basic'
  'Standard'
  'Premium'
])
param sku string = 'Premium'
param environment string = 'dev'
param replicaLocations array = [
  'northeurope'
  'swedencentral'
]
param deployDiagnostics bool = true
param archiveLogs bool
param name string = 'contososhop'

var isProd = environment == 'prod'
var workspaceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-obs/providers/Microsoft.OperationalInsights/workspaces/law-shop'

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: name
  location: 'westeurope'
  sku: {
    name: sku
  }
  properties: {
    adminUserEnabled: isProd ? false : true
    publicNetworkAccess: isProd ? 'Disabled' : 'Enabled'
    anonymousPullEnabled: false
    networkRuleSet: {
      defaultAction: 'Deny'
    }
    zoneRedundancy: 'Enabled'
    policies: {
      retentionPolicy: {
        days: 7
        status: 'enabled'
      }
      exportPolicy: {
        status: !isProd ? 'enabled' : 'disabled'
      }
    }
  }
}

resource replicas 'Microsoft.ContainerRegistry/registries/replications@2023-07-01' = [for location in replicaLocations: {
  parent: registry
  name: location
  location: location
  properties: {
    zoneRedundancy: 'Enabled'
  }
}]

resource endpoint 'Microsoft.Network/privateEndpoints@2023-09-01' = {
  name: 'pe-${name}'
  location: 'westeurope'
  properties: {
    subnet: {
      id: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-shop/subnets/endpoints'
    }
    privateLinkServiceConnections: [
      {
        name: 'registry'
        properties: {
          privateLinkServiceId: registry.id
          groupIds: [
            'registry'
          ]
        }
      }
    ]
  }
}

resource logs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (deployDiagnostics) {
  name: 'registry-logs'
  scope: registry
  properties: {
    workspaceId: workspaceId
    logs: [for category in [ 'ContainerRegistryLoginEvents' ]: {
      category: category
      enabled: true
    }]
  }
}

resource archive 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (archiveLogs) {
  name: 'registry-archive'
  scope: registry
  properties: {
    storageAccountId: '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-obs/providers/Microsoft.Storage/storageAccounts/stshoplogs'
    logs: [
      {
        categoryGroup: 'audit'
        enabled: true
      }
    ]
  }
}
