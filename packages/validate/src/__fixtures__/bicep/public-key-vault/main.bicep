// The seed's Key Vault: it holds DATABASE_URL and is reachable from every network.
param location string = resourceGroup().location

resource vault 'Microsoft.KeyVault/vaults@2026-02-01' = {
  name: 'kv-demo'
  location: location
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}
