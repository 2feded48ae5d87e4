// Secret rotation follows a bool parameter through its string: ARM's
// string(true) is 'True', so the comparison with 'true' (== is
// case-sensitive) is false and rotation is deployed off.
param rotateSecrets bool = true

resource aks 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: 'aks-rotation'
  location: 'westeurope'
  properties: {
    addonProfiles: {
      azureKeyvaultSecretsProvider: {
        enabled: true
        config: {
          enableSecretRotation: string(rotateSecrets) == 'true' ? 'true' : 'false'
          rotationPollInterval: '2m'
        }
      }
    }
  }
}
