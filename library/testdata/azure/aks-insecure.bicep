// An insecure AKS cluster, the Bicep source of aks-insecure.arm.json.
resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: 'aks-dev'
  location: 'westeurope'
  sku: {
    name: 'Base'
    tier: 'Free'
  }
  properties: {
    kubernetesVersion: '1.27.3'
    dnsPrefix: 'aks-dev'
    enableRBAC: true
    disableLocalAccounts: false
    networkProfile: {
      networkPlugin: 'kubenet'
    }
    agentPoolProfiles: [
      {
        name: 'nodepool1'
        mode: 'System'
        count: 1
        vmSize: 'Standard_B4ms'
        osType: 'Linux'
        osSKU: 'Windows2022'
      }
    ]
    linuxProfile: {
      adminUsername: 'azureuser'
      ssh: {
        publicKeys: [
          {
            keyData: 'ssh-rsa AAAAB3NzaC1yc2E... dev@laptop'
          }
        ]
      }
    }
    addonProfiles: {}
    autoUpgradeProfile: {
      upgradeChannel: 'none'
    }
  }
}
