// A cluster deployed by a local module, its user pools one agentPools
// resource each (parent:), and the AcrPull role assignment on an existing
// registry for its kubelet identity.
targetScope = 'resourceGroup'

@description('The cluster to deploy.')
param clusterName string = 'aks-shop'
param location string = 'westeurope'
param registryName string = 'contososhop'
@description('User pools, one agentPools resource each.')
param userPools array = [
  { name: 'apps', vmSize: 'Standard_D8ds_v5' }
  { name: 'batch', vmSize: 'Standard_D16ds_v5' }
]

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

module cluster './modules/cluster.bicep' = {
  name: 'cluster'
  params: {
    name: clusterName
    location: location
    userPools: userPools
  }
}

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(clusterName, 'acrpull')
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '7f951dda-4ed3-4680-a7ca-43fe172d538d')
    principalId: cluster.outputs.kubeletIdentityObjectId
    principalType: 'ServicePrincipal'
  }
}

output clusterId string = cluster.outputs.id
