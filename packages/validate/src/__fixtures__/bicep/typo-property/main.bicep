param location string = resourceGroup().location
param environmentId string

resource app 'Microsoft.App/containerApps@2026-01-01' = {
  name: 'demo'
  location: location
  properties: {
    managedEnvironmentId: environmentId
    configuraton: {
      activeRevisionsMode: 'Multiple'
    }
  }
}
