// The ingress routes to the ops port (OPS_PORT), so /metrics and /readyz are public, and readiness is
// probed on the public port, where /readyz is no longer served.
param location string = resourceGroup().location
param environmentId string

var port = 3000
var opsPort = 9464

resource app 'Microsoft.App/containerApps@2026-01-01' = {
  name: 'demo'
  location: location
  properties: {
    managedEnvironmentId: environmentId
    configuration: {
      ingress: {
        external: true
        targetPort: opsPort
      }
    }
    template: {
      containers: [
        {
          name: 'demo'
          image: 'mcr.microsoft.com/k8se/quickstart:latest'
          env: [
            {
              name: 'OPS_PORT'
              value: '9464'
            }
          ]
          probes: [
            {
              type: 'Readiness'
              httpGet: {
                path: '/readyz'
                port: port
              }
            }
          ]
        }
      ]
    }
  }
}
