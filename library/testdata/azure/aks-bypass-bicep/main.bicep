// The payments platform's AKS deployment, one template for every
// environment: production settings by default, the environment's own
// values from its .bicepparam file (main.bicepparam deploys dev). The
// cluster is a local module; audit logs, backup and GitOps are extension
// resources on the deployed cluster, which this file reads as existing.
targetScope = 'resourceGroup'

@description('The environment the cluster serves.')
@allowed([
  'dev'
  'test'
  'prod'
])
param environment string = 'prod'

param clusterName string
param location string = 'westeurope'
param kubernetesVersion string = '1.32.3'

@allowed([
  'Free'
  'Standard'
  'Premium'
])
param skuTier string = 'Standard'

param availabilityZones array = [
  '1'
  '2'
  '3'
]

@description('Egress ranges of the offices and VPN allowed to reach the API server.')
param egressRanges array = []

@description('Add-ons on top of the platform baseline.')
param extraAddons object = {}

@description('User pools, each an agentPools resource of the cluster.')
param userPools array = []

param sshPublicKey string
param workspaceId string
param enableAuditLogs bool = true
param backupClusterName string = clusterName
param gitopsRepositories array = [
  {
    name: 'platform'
    url: 'https://github.com/contoso/payments-platform'
    path: './clusters/${environment}'
  }
]

var isProduction = environment == 'prod'

// Per-environment network settings.
var network = {
  dev: {
    policy: 'none'
    dataplane: 'azure'
  }
  test: {
    policy: 'azure'
    dataplane: 'azure'
  }
  prod: {
    policy: 'cilium'
    dataplane: 'cilium'
  }
}

var baselineAddons = {
  azurepolicy: {
    enabled: true
  }
  azureKeyvaultSecretsProvider: {
    enabled: true
    config: {
      enableSecretRotation: toLower(string(isProduction))
      rotationPollInterval: '2m'
    }
  }
}

module cluster './modules/cluster.bicep' = {
  name: 'cluster-${environment}'
  params: {
    name: clusterName
    location: location
    kubernetesVersion: kubernetesVersion
    skuTier: skuTier
    zones: availabilityZones
    authorizedIPRanges: [for range in egressRanges: '${range.address}/${range.bits}']
    addonProfiles: union(baselineAddons, extraAddons)
    networkPolicy: network[environment].policy
    networkDataplane: network[environment].dataplane
    containerInsights: isProduction
    workspaceId: workspaceId
    isProduction: isProduction
    sshPublicKey: sshPublicKey
    userPools: userPools
  }
}

resource deployed 'Microsoft.ContainerService/managedClusters@2024-05-01' existing = {
  name: clusterName
}

resource backupTarget 'Microsoft.ContainerService/managedClusters@2024-05-01' existing = {
  name: backupClusterName
}

resource audit 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = if (enableAuditLogs) {
  name: 'audit-to-law'
  scope: deployed
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'kube-audit-admin'
        enabled: true
      }
      {
        category: 'kube-apiserver'
        enabled: true
      }
    ]
  }
  dependsOn: [
    cluster
  ]
}

resource backup 'Microsoft.KubernetesConfiguration/extensions@2023-05-01' = {
  name: 'azure-aks-backup'
  scope: backupTarget
  properties: {
    extensionType: 'microsoft.dataprotection.kubernetes'
    autoUpgradeMinorVersion: true
    configurationSettings: {
      'configuration.backupStorageLocation.bucket': 'aks-backups'
    }
  }
  dependsOn: [
    cluster
  ]
}

resource gitops 'Microsoft.KubernetesConfiguration/fluxConfigurations@2023-05-01' = [for repo in gitopsRepositories: {
  name: repo.name
  scope: deployed
  properties: {
    scope: 'cluster'
    namespace: 'flux-system'
    sourceKind: 'GitRepository'
    gitRepository: {
      url: repo.url
      repositoryRef: {
        branch: 'main'
      }
    }
    kustomizations: {
      apps: {
        path: repo.path
        prune: true
      }
    }
  }
  dependsOn: [
    cluster
  ]
}]
