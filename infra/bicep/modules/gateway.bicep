// The HTTP API: a Linux Function App on the .NET isolated worker, on Flex Consumption or Elastic Premium.
// It runs as its own user-assigned identity; secrets come from Key Vault references, never inline values.
param location string
param prefix string
param tags object
@allowed(['FlexConsumption', 'ElasticPremium'])
param plan string
param identityId string
param identityClientId string
param hostAccountName string
param hostBlobEndpoint string
param deploymentContainer string
param subnetId string
param maximumInstanceCount int
@description('Settings gateway and worker both read (names with __).')
param sharedSettings object
@description('The x402 networks, one Mirrorstage__Payments__Networks__N__* setting per field.')
param paymentSettings object
@description('Settings only the gateway reads: values or Key Vault references, never secret values.')
param settings object

var isFlex = plan == 'FlexConsumption'

resource farm 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${prefix}-gateway-plan'
  location: location
  tags: tags
  kind: isFlex ? 'functionapp' : 'elastic'
  sku: isFlex ? { name: 'FC1', tier: 'FlexConsumption' } : { name: 'EP1', tier: 'ElasticPremium' }
  properties: {
    reserved: true
    maximumElasticWorkerCount: isFlex ? null : maximumInstanceCount
  }
}

// The host's own storage, identity-based: no account key anywhere.
var hostSettings = {
  AzureWebJobsStorage__accountName: hostAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AZURE_CLIENT_ID: identityClientId
  // Application Insights has local auth off: the Functions host's own telemetry signs in as this identity too.
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}
// Flex Consumption takes the runtime and the package from functionAppConfig; Elastic Premium from these
// settings. Premium runs from the package blob, fetched with the gateway identity (Blob Data Owner on the host
// account): no content share, since Azure Files signs in only with the account key, which is disabled.
var packageUrl = '${hostBlobEndpoint}${deploymentContainer}/gateway.zip'
var premiumSettings = isFlex ? {} : {
  FUNCTIONS_EXTENSION_VERSION: '~4'
  FUNCTIONS_WORKER_RUNTIME: 'dotnet-isolated'
  WEBSITE_RUN_FROM_PACKAGE: packageUrl
  WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: identityId
}
var allSettings = union(hostSettings, premiumSettings, sharedSettings, paymentSettings, settings)

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: '${prefix}-gateway-${uniqueString(resourceGroup().id)}'
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: farm.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    virtualNetworkSubnetId: empty(subnetId) ? null : subnetId
    functionAppConfig: isFlex ? {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${hostBlobEndpoint}${deploymentContainer}'
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identityId }
        }
      }
      scaleAndConcurrency: { maximumInstanceCount: maximumInstanceCount, instanceMemoryMB: 2048 }
      runtime: { name: 'dotnet-isolated', version: '10.0' }
    } : null
    siteConfig: {
      linuxFxVersion: isFlex ? null : 'DOTNET-ISOLATED|10.0'
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      appSettings: [for s in items(allSettings): { name: s.key, value: s.value }]
    }
  }
}

output hostName string = site.properties.defaultHostName
output siteId string = site.id
output siteName string = site.name
@description('Elastic Premium: the blob the app runs from (upload the zipped publish output there). Empty on Flex Consumption, which is published to its deployment container by the Functions tools.')
output packageUrl string = isFlex ? '' : packageUrl
