// A cluster judged with the values its .bicepparam file gives: the
// parameters without defaults, and a tier that overrides its default. A
// spot pool is declared inside the cluster's body.
param clusterName string
param kubernetesVersion string
param skuTier string = 'Free'
param authorizedRanges array = []
param sshPublicKey string = ''

var subnet = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-shared/subnets/nodes'

resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: clusterName
  location: 'westeurope'
  sku: {
    name: 'Base'
    tier: skuTier
  }
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    kubernetesVersion: kubernetesVersion
    dnsPrefix: clusterName
    enableRBAC: true
    apiServerAccessProfile: {
      authorizedIPRanges: authorizedRanges
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
        count: 1
        vmSize: 'Standard_D4ds_v5'
        osSKU: 'AzureLinux'
        vnetSubnetID: subnet
        nodeLabels: {
          environment: 'production'
        }
      }
    ]
    addonProfiles: {
      httpApplicationRouting: {
        enabled: true
      }
    }
    linuxProfile: empty(sshPublicKey) ? null : {
      adminUsername: 'azureuser'
      ssh: {
        publicKeys: [
          { keyData: sshPublicKey }
        ]
      }
    }
  }

  resource spot 'agentPools' = {
    name: 'spot'
    properties: {
      mode: 'User'
      count: 1
      vmSize: 'Standard_D4ds_v5'
      scaleSetPriority: 'Spot'
      osSKU: 'Ubuntu'
      enableNodePublicIP: true
      vnetSubnetID: subnet
      nodeLabels: {
        environment: 'dev'
      }
    }
  }
}
