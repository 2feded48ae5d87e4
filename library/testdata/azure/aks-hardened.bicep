// A hardened AKS cluster, the Bicep source of aks-hardened.arm.json:
// parameters with defaults, variables, a loop over the node pools, and
// extension resources scoped to the cluster and the registry.
param clusterName string = 'aks-prod'
param location string = 'westeurope'
param zones array = [
  '1'
  '2'
  '3'
]
param adminGroupObjectId string = '6b0b4c3e-2f44-4d07-9c8e-7a1d5a0f4e21'

var network = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-prod'
var workspaceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-obs/providers/Microsoft.OperationalInsights/workspaces/law-prod'
var acrPullRoleId = '7f951dda-4ed3-4680-a7ca-43fe172d538d'
var pools = [
  { name: 'system', mode: 'System', vmSize: 'Standard_D4ds_v5', maxCount: 5 }
  { name: 'apps', mode: 'User', vmSize: 'Standard_D8ds_v5', maxCount: 20 }
]

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: 'contosoprod'
}

resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
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
      managed: true
      enableAzureRBAC: true
      adminGroupObjectIDs: [
        adminGroupObjectId
      ]
    }
    oidcIssuerProfile: {
      enabled: true
    }
    securityProfile: {
      workloadIdentity: {
        enabled: true
      }
      defender: {
        logAnalyticsWorkspaceResourceId: workspaceId
        securityMonitoring: {
          enabled: true
        }
      }
      azureKeyVaultKms: {
        enabled: true
        keyId: 'https://kv-prod.vault.azure.net/keys/etcd/0123456789abcdef0123456789abcdef'
        keyVaultNetworkAccess: 'Private'
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
    agentPoolProfiles: [for pool in pools: {
      name: pool.name
      mode: pool.mode
      count: 3
      vmSize: pool.vmSize
      osSKU: 'AzureLinux'
      availabilityZones: zones
      enableEncryptionAtHost: true
      enableAutoScaling: true
      minCount: 3
      maxCount: pool.maxCount
      nodeTaints: pool.mode == 'System' ? [
        'CriticalAddonsOnly=true:NoSchedule'
      ] : null
      vnetSubnetID: '${network}/subnets/${pool.name}'
      nodeLabels: {
        environment: 'production'
      }
      securityProfile: {
        sshAccess: 'Disabled'
      }
    }]
    addonProfiles: {
      azurepolicy: {
        enabled: true
      }
      omsagent: {
        enabled: true
        config: {
          logAnalyticsWorkspaceResourceID: workspaceId
        }
      }
      azureKeyvaultSecretsProvider: {
        enabled: true
        config: {
          enableSecretRotation: 'true'
          rotationPollInterval: '2m'
        }
      }
    }
    autoUpgradeProfile: {
      upgradeChannel: 'stable'
      nodeOSUpgradeChannel: 'NodeImage'
    }
  }
}

resource audit 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit-to-law'
  scope: aks
  properties: {
    workspaceId: workspaceId
    logs: [for category in ['kube-audit-admin', 'kube-apiserver', 'guard']: {
      category: category
      enabled: true
    }]
  }
}

resource backup 'Microsoft.KubernetesConfiguration/extensions@2023-05-01' = {
  name: 'azure-aks-backup'
  scope: aks
  properties: {
    extensionType: 'microsoft.dataprotection.kubernetes'
    autoUpgradeMinorVersion: true
    configurationSettings: {
      'configuration.backupStorageLocation.bucket': 'aks-backups'
    }
  }
}

resource flux 'Microsoft.KubernetesConfiguration/fluxConfigurations@2023-05-01' = {
  name: 'platform'
  scope: aks
  properties: {
    scope: 'cluster'
    namespace: 'flux-system'
    sourceKind: 'GitRepository'
    gitRepository: {
      url: 'https://github.com/contoso/platform'
      repositoryRef: {
        branch: 'main'
      }
    }
    kustomizations: {
      apps: {
        path: './clusters/prod'
        prune: true
      }
    }
  }
}

resource acrPull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(clusterName, 'acrpull')
  scope: registry
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPullRoleId)
    principalId: aks.properties.identityProfile.kubeletidentity.objectId
    principalType: 'ServicePrincipal'
  }
}
