using './main.bicep'

param clusterName = 'aks-params'
param kubernetesVersion = '1.29.4'
param skuTier = 'Standard'
param authorizedRanges = [
  '203.0.113.0/24'
]
param sshPublicKey = 'ssh-rsa AAAAB3NzaC1yc2E... ops@bastion'
