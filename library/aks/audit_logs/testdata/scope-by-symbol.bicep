// The cluster's name is known only at deployment; its diagnostic setting
// names it by symbol (scope: mc), beside a registry's setting of the same name.
var clusterName = 'aks-${uniqueString(resourceGroup().id)}'

resource mc 'Microsoft.ContainerService/managedClusters@2024-05-01' = {
  name: clusterName
  properties: {
    kubernetesVersion: '1.31.2'
  }
}

resource acr 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: 'acrshared'
}

resource mcDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: mc
  name: 'default'
  properties: {
    workspaceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/la'
    logs: [
      {
        category: 'kube-audit-admin'
        enabled: true
      }
    ]
  }
}

resource acrDiagnostics 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: acr
  name: 'default'
  properties: {
    workspaceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/la'
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}
