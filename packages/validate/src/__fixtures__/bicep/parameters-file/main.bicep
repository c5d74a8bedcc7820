@allowed([
  'dev'
  'prod'
])
param environmentName string

@secure()
param postgresAdminPassword string

output environment string = environmentName
output passwordLength int = length(postgresAdminPassword)
