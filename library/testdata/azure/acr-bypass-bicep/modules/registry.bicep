// The registry: private unless the caller lists office ranges, exports
// disabled while it is private, a geo-replica in the paired region,
// untagged manifests purged, and its logs sent to the workspace.
param name string
param location string
param sku string
param adminUserEnabled bool = false
param allowedIpRanges array = []
param privateEndpointSubnets array = []
param retentionDays int = 7
param logCategories array
param workspaceId string

@description('The registry the replica joins: the previous platform registry keeps the paired region until the migration ends.')
param replicaRegistryName string = 'contosoplatform'

var publicAccess = empty(allowedIpRanges) ? 'Disabled' : 'Enabled'

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: name
  location: location
  sku: {
    name: sku
  }
  properties: {
    adminUserEnabled: adminUserEnabled
    anonymousPullEnabled: false
    publicNetworkAccess: publicAccess
    networkRuleSet: {
      defaultAction: 'Deny'
      ipRules: [for range in allowedIpRanges: {
        action: 'Allow'
        value: range
      }]
    }
    zoneRedundancy: 'Enabled'
    policies: {
      retentionPolicy: {
        days: retentionDays
        status: retentionDays > 0 ? 'enabled' : 'disabled'
      }
      exportPolicy: {
        status: publicAccess == 'Disabled' ? 'disabled' : 'enabled'
      }
    }
  }
}

resource replicaRegistry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: replicaRegistryName
}

resource replica 'Microsoft.ContainerRegistry/registries/replications@2023-07-01' = {
  parent: replicaRegistry
  name: 'northeurope'
  location: 'northeurope'
  properties: {
    zoneRedundancy: 'Enabled'
  }
}

resource endpoints 'Microsoft.Network/privateEndpoints@2023-09-01' = [for (subnet, i) in privateEndpointSubnets: {
  name: 'pe-${name}-${i}'
  location: location
  properties: {
    subnet: {
      id: subnet
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
}]

resource logs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'to-law'
  scope: registry
  properties: {
    workspaceId: workspaceId
    logs: [for category in logCategories: {
      category: category
      enabled: true
    }]
  }
}

output id string = registry.id
