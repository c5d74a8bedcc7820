param location string = resourceGroup().location

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: 'id-demo'
  location: locaton
  properties: {}
}

output principalId string = identty.properties.principalId
