// The app's DATABASE_URL is built from the Flexible Server admin's credential: a SQL escape owns the database.
param location string = resourceGroup().location
param environmentId string
param administratorLogin string
@secure()
param administratorPassword string
param serverFqdn string

resource vault 'Microsoft.KeyVault/vaults@2026-02-01' existing = {
  name: 'kv-demo'
}

resource databaseUrl 'Microsoft.KeyVault/vaults/secrets@2026-02-01' = {
  parent: vault
  name: 'database-url'
  properties: {
    value: 'postgresql://${uriComponent(administratorLogin)}:${uriComponent(administratorPassword)}@${serverFqdn}:5432/demo'
  }
}

resource app 'Microsoft.App/containerApps@2026-01-01' = {
  name: 'demo'
  location: location
  properties: {
    managedEnvironmentId: environmentId
    configuration: {
      secrets: [
        {
          name: 'database-url'
          value: 'postgresql://${administratorLogin}:${administratorPassword}@${serverFqdn}:5432/demo'
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'demo'
          image: 'registry.example.com/demo:1.0.0'
          env: [
            {
              name: 'DATABASE_URL'
              secretRef: 'database-url'
            }
          ]
        }
      ]
    }
  }
}
