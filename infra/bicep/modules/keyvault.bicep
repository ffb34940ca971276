// Key Vault (RBAC) for what cannot be an identity: the token HMAC key, the EVM relayer key, the LiveKit API
// secret. App settings reference these by URI; no value is ever inlined or output.
import { roleIds } from 'roles.bicep'

param location string
param prefix string
param tags object
param gatewayPrincipalId string
param workerPrincipalId string

@secure()
@description('HMAC key for session and share tokens: at least 32 random bytes, e.g. `openssl rand -base64 48`.')
param tokenSecret string

@secure()
@description('Private key of the EVM relayer when a network self-settles.')
param relayerPrivateKey string
@description('Whether a network self-settles, so the relayer key is stored.')
param storeRelayerKey bool

@secure()
@description('LiveKit API secret.')
param liveKitApiSecret string
@description('Whether LiveKit is configured, so its API secret is stored.')
param storeLiveKitSecret bool

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('${prefix}-kv-${uniqueString(resourceGroup().id)}', 24)
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 30
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource tokenSecretValue 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'token-secret'
  properties: { value: tokenSecret }
}

resource relayerKeyValue 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (storeRelayerKey) {
  parent: vault
  name: 'relayer-private-key'
  properties: { value: relayerPrivateKey }
}

resource liveKitSecretValue 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (storeLiveKitSecret) {
  parent: vault
  name: 'livekit-api-secret'
  properties: { value: liveKitApiSecret }
}

// Both components read secrets (the worker mints its LiveKit publisher token); neither can write.
resource gatewayReads 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, gatewayPrincipalId, roleIds.keyVaultSecretsUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.keyVaultSecretsUser)
    principalId: gatewayPrincipalId
    principalType: 'ServicePrincipal'
  }
}

resource workerReads 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, workerPrincipalId, roleIds.keyVaultSecretsUser)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.keyVaultSecretsUser)
    principalId: workerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

output vaultName string = vault.name
output vaultUri string = vault.properties.vaultUri
output tokenSecretUri string = tokenSecretValue.properties.secretUri
output relayerKeyUri string = storeRelayerKey ? relayerKeyValue!.properties.secretUri : ''
output liveKitSecretUri string = storeLiveKitSecret ? liveKitSecretValue!.properties.secretUri : ''
