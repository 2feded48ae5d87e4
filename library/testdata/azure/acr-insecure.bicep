// An insecure registry, the Bicep source of acr-insecure.arm.json.
param name string = 'contosodev'

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: name
  location: 'westeurope'
  sku: {
    name: 'Standard'
  }
  properties: {
    adminUserEnabled: true
    publicNetworkAccess: 'Enabled'
  }
}
