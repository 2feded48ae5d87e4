// The cluster: a dedicated system pool in its body, the user pools as
// agentPools resources (parent:), and the AcrPull role assignment of its
// kubelet identity on the shared registry.
param name string
param location string
param kubernetesVersion string
param skuTier string = 'Standard'
param zones array
param authorizedIPRanges array = []
param addonProfiles object
param networkPolicy string = 'cilium'
param networkDataplane string = 'cilium'
param containerInsights bool = true
param workspaceId string
param isProduction bool = true
param sshPublicKey string
param userPools array = []
param registryName string = 'contosopayments'

@description('Defender for Containers sends its findings here; empty: the default workspace.')
param defenderWorkspaceId string = ''

var vnetId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-payments'

var registryRoles = {
  AcrPull: '7f951dda-4ed3-4680-a7ca-43fe172d538d'
  AcrPush: '8311e382-0749-4cb8-b61a-304f252e45ec'
}

var aadProfile = {
  managed: true
  enableAzureRBAC: isProduction
}

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: name
  location: location
  sku: {
    name: 'Base'
    tier: skuTier
  }
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    kubernetesVersion: kubernetesVersion
    dnsPrefix: name
    enableRBAC: true
    disableLocalAccounts: isProduction
    aadProfile: aadProfile
    oidcIssuerProfile: {
      enabled: true
    }
    securityProfile: {
      workloadIdentity: {
        enabled: true
      }
      defender: {
        logAnalyticsWorkspaceResourceId: defenderWorkspaceId
        securityMonitoring: {
          enabled: true
        }
      }
      azureKeyVaultKms: isProduction ? {
        enabled: true
        keyId: 'https://kv-payments.vault.azure.net/keys/etcd/0123456789abcdef0123456789abcdef'
        keyVaultNetworkAccess: 'Private'
      } : null
    }
    apiServerAccessProfile: {
      authorizedIPRanges: authorizedIPRanges
    }
    networkProfile: {
      networkPlugin: 'azure'
      networkPluginMode: 'overlay'
      networkPolicy: networkPolicy
      networkDataplane: networkDataplane
    }
    agentPoolProfiles: [
      {
        name: 'system'
        mode: 'System'
        count: 3
        vmSize: 'Standard_D4ds_v5'
        osSKU: 'AzureLinux'
        availabilityZones: zones
        enableEncryptionAtHost: true
        enableAutoScaling: true
        minCount: 3
        maxCount: 5
        nodeTaints: isProduction ? [
          'CriticalAddonsOnly=true:NoSchedule'
        ] : null
        vnetSubnetID: '${vnetId}/subnets/snet-system'
        securityProfile: {
          sshAccess: 'Disabled'
        }
      }
    ]
    linuxProfile: {
      adminUsername: 'azureuser'
      ssh: {
        publicKeys: [
          {
            keyData: sshPublicKey
          }
        ]
      }
    }
    addonProfiles: union(addonProfiles, {
      omsagent: {
        enabled: containerInsights
        config: {
          logAnalyticsWorkspaceResourceID: workspaceId
        }
      }
    })
    autoUpgradeProfile: {
      upgradeChannel: isProduction ? 'stable' : 'none'
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
    osType: pool.?osType ?? 'Linux'
    osSKU: pool.?osSku ?? 'AzureLinux'
    orchestratorVersion: kubernetesVersion
    availabilityZones: zones
    enableAutoScaling: true
    minCount: 2
    maxCount: 10
    vnetSubnetID: '${vnetId}/subnets/${pool.?subnet ?? 'snet-apps'}'
    nodeLabels: {
      environment: pool.environment
    }
  }
}]

resource acrRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(registryName, name, 'kubelet')
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', registryRoles[isProduction ? 'AcrPull' : 'AcrPush'])
    principalId: aks.properties.identityProfile.kubeletidentity.objectId
    principalType: 'ServicePrincipal'
  }
}

output id string = aks.id
