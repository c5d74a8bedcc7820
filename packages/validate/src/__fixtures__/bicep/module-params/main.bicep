module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    nam: 'id-demo'
  }
}
