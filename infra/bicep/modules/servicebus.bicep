// Service Bus: the warm-session queue between gateway and workers. Local (SAS) auth is disabled: the gateway
// sends and the worker receives with their managed identities only.
import { roleIds } from 'roles.bicep'

param location string
param prefix string
param tags object
@allowed(['Standard', 'Premium'])
param sku string
param queueName string
@description('Deliveries before a warm request is dead-lettered (the worker dead-letters at the same count).')
param maxDeliveryCount int
param gatewayPrincipalId string
param workerPrincipalId string

resource namespace 'Microsoft.ServiceBus/namespaces@2022-10-01-preview' = {
  name: '${prefix}-sb-${uniqueString(resourceGroup().id)}'
  location: location
  tags: tags
  sku: { name: sku, tier: sku }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

resource queue 'Microsoft.ServiceBus/namespaces/queues@2022-10-01-preview' = {
  parent: namespace
  name: queueName
  properties: {
    // Every send carries its own message id, so a re-queue of the same session is never dropped as a duplicate.
    requiresDuplicateDetection: true
    duplicateDetectionHistoryTimeWindow: 'PT10M'
    maxDeliveryCount: maxDeliveryCount
    // A claim is decided well within a minute; the worker renews the lock while it is in progress.
    lockDuration: 'PT1M'
    // A warm request nobody took in 15 minutes is moot (the session fails as no_worker_available at 10).
    defaultMessageTimeToLive: 'PT15M'
    deadLetteringOnMessageExpiration: true
    enablePartitioning: false
    requiresSession: false
  }
}

resource gatewaySends 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: queue
  name: guid(queue.id, gatewayPrincipalId, roleIds.serviceBusDataSender)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.serviceBusDataSender)
    principalId: gatewayPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource workerReceives 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: queue
  name: guid(queue.id, workerPrincipalId, roleIds.serviceBusDataReceiver)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.serviceBusDataReceiver)
    principalId: workerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// Workers also re-queue sessions they hand over or reap (failover), so they send too.
resource workerSends 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: queue
  name: guid(queue.id, workerPrincipalId, roleIds.serviceBusDataSender)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.serviceBusDataSender)
    principalId: workerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// KEDA's azure-servicebus scaler reads the queue's active message count, a management read that the data
// roles do not allow; Data Owner is granted on this one queue only, to the identity the scale rule uses.
resource scalerReadsCount 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: queue
  name: guid(queue.id, workerPrincipalId, roleIds.serviceBusDataOwner)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.serviceBusDataOwner)
    principalId: workerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output namespaceName string = namespace.name
output fullyQualifiedNamespace string = replace(replace(namespace.properties.serviceBusEndpoint, 'https://', ''), ':443/', '')
output queueName string = queue.name
output namespaceId string = namespace.id
