// The worker identity pulls its image from the operator's container registry (AcrPull on that registry only).
import { roleIds } from 'roles.bicep'

param registryName string
param workerPrincipalId string

resource registry 'Microsoft.ContainerRegistry/registries@2023-07-01' existing = {
  name: registryName
}

resource pull 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: registry
  name: guid(registry.id, workerPrincipalId, roleIds.acrPull)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.acrPull)
    principalId: workerPrincipalId
    principalType: 'ServicePrincipal'
  }
}
