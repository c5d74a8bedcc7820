param location string = resourceGroup().location

resource registry 'Microsoft.ContainerRegistry/registries@2023-01-01-preview' = {
  name: 'crdemo'
  location: location
  sku: {
    name: 'Standard'
  }
}
