// A cluster written with Bicep's spread operator (...): the platform
// baseline spread into the properties, the environment's exception after
// it, which wins.
param allowLocalAccounts bool = true

var baseline = {
  enableRBAC: true
  disableLocalAccounts: true
  aadProfile: {
    managed: true
    enableAzureRBAC: true
  }
}

resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: 'aks-spread'
  location: 'westeurope'
  properties: {
    ...baseline
    dnsPrefix: 'aks-spread'
    disableLocalAccounts: !allowLocalAccounts
  }
}
