// The ledger team's cluster. Its release pipeline passes the identity
// settings and the zones on the command line (az deployment group create
// --parameters entraIntegration=... zones=...), so no default and no
// parameters file in the repository decides them, nor whether the cluster
// is deployed at all.
param clusterName string = 'aks-ledger'
param location string = 'westeurope'
param deployCluster bool
param entraIntegration bool
param workloadIdentity bool
param zones array
param adminGroupObjectIds array = [
  '6b0b4c3e-2f44-4d07-9c8e-7a1d5a0f4e21'
]

resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = if (deployCluster) {
  name: clusterName
  location: location
  sku: {
    name: 'Base'
    tier: 'Standard'
  }
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    kubernetesVersion: '1.32.3'
    dnsPrefix: clusterName
    enableRBAC: true
    disableLocalAccounts: true
    aadProfile: {
      managed: entraIntegration
      enableAzureRBAC: true
      adminGroupObjectIDs: adminGroupObjectIds
    }
    oidcIssuerProfile: {
      enabled: workloadIdentity
    }
    securityProfile: {
      workloadIdentity: {
        enabled: workloadIdentity
      }
    }
    apiServerAccessProfile: {
      enablePrivateCluster: true
    }
    networkProfile: {
      networkPlugin: 'azure'
      networkPluginMode: 'overlay'
      networkPolicy: 'cilium'
      networkDataplane: 'cilium'
    }
    agentPoolProfiles: [
      {
        name: 'system'
        mode: 'System'
        count: 3
        vmSize: 'Standard_D4ds_v5'
        osSKU: 'AzureLinux'
        availabilityZones: zones
        enableAutoScaling: true
        minCount: 3
        maxCount: 5
        enableEncryptionAtHost: true
        nodeTaints: [
          'CriticalAddonsOnly=true:NoSchedule'
        ]
      }
    ]
    autoUpgradeProfile: {
      upgradeChannel: 'patch'
      nodeOSUpgradeChannel: 'SecurityPatch'
    }
  }

  resource apps 'agentPools' = {
    name: 'apps'
    properties: {
      mode: 'User'
      count: 3
      vmSize: 'Standard_D8ds_v5'
      osSKU: 'AzureLinux'
      availabilityZones: zones
      enableAutoScaling: true
      minCount: 3
      maxCount: 12
      enableEncryptionAtHost: true
    }
  }
}
