// One user-assigned managed identity per component: every Azure resource grants its role to exactly one of them.
param location string
param prefix string
param tags object

resource gateway 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${prefix}-gateway-id'
  location: location
  tags: tags
}

resource worker 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${prefix}-worker-id'
  location: location
  tags: tags
}

output gatewayId string = gateway.id
output gatewayPrincipalId string = gateway.properties.principalId
output gatewayClientId string = gateway.properties.clientId
output gatewayName string = gateway.name
output workerId string = worker.id
output workerPrincipalId string = worker.properties.principalId
output workerClientId string = worker.properties.clientId
output workerName string = worker.name
