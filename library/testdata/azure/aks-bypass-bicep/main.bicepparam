using './main.bicep'

param environment = 'dev'
param clusterName = 'aks-payments-dev'
param kubernetesVersion = '1.29.9'
param skuTier = 'Free'
param availabilityZones = [
  '1'
]
param workspaceId = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-obs/providers/Microsoft.OperationalInsights/workspaces/law-dev'
param sshPublicKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI... payments-oncall'

param egressRanges = [
  {
    address: '203.0.113.0'
    bits: 24
  }
  {
    address: '0.0.0.0'
    bits: 0
  }
]

param extraAddons = {
  azurepolicy: {
    enabled: false
  }
  httpApplicationRouting: {
    enabled: true
  }
}

param userPools = [
  {
    name: 'apps'
    environment: 'dev'
    vmSize: 'Standard_D8ds_v5'
  }
  {
    name: 'loadtest'
    environment: 'test'
    vmSize: 'Standard_D8ds_v5'
  }
  {
    name: 'win'
    environment: 'dev'
    vmSize: 'Standard_D4ds_v5'
    osType: 'Windows'
    osSku: 'Windows2022'
    subnet: 'snet-windows'
  }
]

param enableAuditLogs = false
param backupClusterName = 'aks-payments-prod'
param gitopsRepositories = []
