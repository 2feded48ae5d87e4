/*
  The cluster module: a system pool in the cluster, user pools as
  separate agentPools resources, audit logs only when a workspace is set.
*/
param name string
param location string
param userPools array
@description('Send the audit logs to this workspace when set.')
param workspaceId string = ''

resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: name
  location: location
  sku: { name: 'Base', tier: 'Standard' }
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    kubernetesVersion: '1.31.2'
    dnsPrefix: name
    enableRBAC: true
    disableLocalAccounts: false
    aadProfile: {
      managed: true
      enableAzureRBAC: true
    }
    networkProfile: {
      networkPlugin: 'azure'
      networkPolicy: 'azure'
    }
    agentPoolProfiles: [
      {
        name: 'system'
        mode: 'System'
        count: 3
        vmSize: 'Standard_D4ds_v5'
        availabilityZones: [ '1', '2', '3' ]
        enableAutoScaling: true
        minCount: 3
        maxCount: 5
        nodeTaints: [
          'CriticalAddonsOnly=true:NoSchedule'
        ]
      }
    ]
    autoUpgradeProfile: {
      upgradeChannel: 'patch'
      nodeOSUpgradeChannel: 'NodeImage'
    }
  }
}

resource pools 'Microsoft.ContainerService/managedClusters/agentPools@2024-05-01' = [for pool in userPools: {
  parent: aks
  name: pool.name
  properties: {
    mode: 'User'
    count: 2
    vmSize: pool.vmSize
    osSKU: 'Ubuntu'
    enableAutoScaling: false
  }
}]

resource audit 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (!empty(workspaceId)) {
  name: 'audit'
  scope: aks
  properties: {
    workspaceId: workspaceId
    logs: [
      { category: 'kube-audit-admin', enabled: true }
    ]
  }
}

output id string = aks.id
output kubeletIdentityObjectId string = aks.properties.identityProfile.kubeletidentity.objectId
