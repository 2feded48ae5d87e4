param location string = resourceGroup().location

resource acr 'Microsoft.ContainerRegistry/registries@2023-07-01' = {
  name: 'contosoacr'
  location: location
  sku: { name: 'Premium' }
  properties: { adminUserEnabled: false }
}
