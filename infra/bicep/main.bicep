// Mirrorstage on Azure: the HTTP API on Azure Functions (isolated worker), render workers on Container Apps
// GPUs fed through Service Bus, the event store on PostgreSQL Flexible Server, blobs on Storage, secrets in
// Key Vault, telemetry in Application Insights. Every component signs in with its own managed identity.
targetScope = 'resourceGroup'

@description('Short lower-case name prefix for every resource (3-11 characters).')
@minLength(3)
@maxLength(11)
param prefix string

param location string = resourceGroup().location
param tags object = { application: 'mirrorstage' }

@allowed(['FlexConsumption', 'ElasticPremium'])
param gatewayPlan string = 'FlexConsumption'
param gatewayMaxInstances int = 40

@description('Worker container image, e.g. myregistry.azurecr.io/mirrorstage-worker:1.0 (built from gpu-worker/Dockerfile).')
param workerImage string
@description('Registry server the worker image is pulled from with the worker identity (AcrPull); empty for a public image.')
param workerRegistryServer string = ''
@allowed(['T4', 'A100'])
param workerGpu string = 'T4'
param workerMinReplicas int = 0
param workerMaxReplicas int = 4
@description('Sessions one worker replica renders at once.')
param workerRenderSlots int = 4
@description('Seconds a new GPU replica takes from scale-out to taking a session: what a client waits when no warm slot is free.')
param workerColdStartSeconds int = 90
@allowed(['procedural', 'wav2lip-onnx'])
param renderEngine string = 'procedural'
@description('wav2lip-onnx only: the ONNX model file inside the worker container. No weights ship with the image: build an image FROM it with the file added, or mount a volume at this path (README, "Deploying to Azure").')
param workerNeuralModelPath string = ''

@allowed(['Standard', 'Premium'])
param serviceBusSku string = 'Standard'
param warmQueueName string = 'warm-sessions'
param warmQueueMaxDeliveries int = 5

@allowed(['firewall', 'private'])
@description('firewall: public endpoint limited to Azure services and allowedIpRanges; private: VNet only.')
param databaseAccess string = 'firewall'
@description('Extra client ranges for the database firewall: [{ start: "203.0.113.4", end: "203.0.113.4" }].')
param databaseAllowedIpRanges array = []
param databaseSku string = 'Standard_B2s'
param databaseTier string = 'Burstable'
param databaseStorageGB int = 32

param pricePerMinuteUsd string = '0.10'
@description('Where a paying gateway journals settlements not yet recorded in the store. A Function App with shared keys off has no persistent disk (no content share, no Azure Files mount): the default is the instance\'s writable local disk, which outlives a worker-process restart but not the instance; the reconciler settles what a lost journal held from the chain (set RpcUrl on each network). Point it at a mounted share to keep it across instances.')
param gatewayJournalFolder string = '/tmp/mirrorstage/payment-journal'
@description('x402 networks without secrets: [{ Network, PayTo, FacilitatorUrl, Settlement, RpcUrl, FeePayer, ... }] (see README settings).')
param paymentNetworks array = []

param liveKitUrl string = ''
param liveKitApiKey string = ''

@secure()
param tokenSecret string
@secure()
param relayerPrivateKey string = ''
@secure()
param liveKitApiSecret string = ''

var databaseName = 'mirrorstage'
var blobContainer = 'references'

module identities 'modules/identities.bicep' = {
  name: 'identities'
  params: { location: location, prefix: prefix, tags: tags }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: { location: location, prefix: prefix, tags: tags }
}

module telemetryRoles 'modules/telemetry-roles.bicep' = {
  name: 'telemetry-roles'
  params: {
    insightsName: monitoring.outputs.insightsName
    principalIds: [identities.outputs.gatewayPrincipalId, identities.outputs.workerPrincipalId]
  }
}

module network 'modules/network.bicep' = if (databaseAccess == 'private') {
  name: 'network'
  params: { location: location, prefix: prefix, tags: tags, gatewayPlan: gatewayPlan }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    prefix: prefix
    tags: tags
    gatewayPrincipalId: identities.outputs.gatewayPrincipalId
    workerPrincipalId: identities.outputs.workerPrincipalId
    tokenSecret: tokenSecret
    relayerPrivateKey: relayerPrivateKey
    storeRelayerKey: contains(map(paymentNetworks, n => n.?Settlement ?? 'facilitator'), 'self')
    liveKitApiSecret: liveKitApiSecret
    storeLiveKitSecret: !empty(liveKitUrl)
  }
}

module database 'modules/postgres.bicep' = {
  name: 'postgres'
  params: {
    location: location
    prefix: prefix
    tags: tags
    databaseName: databaseName
    access: databaseAccess
    allowedIpRanges: databaseAllowedIpRanges
    subnetId: databaseAccess == 'private' ? network!.outputs.postgresSubnetId : ''
    privateDnsZoneId: databaseAccess == 'private' ? network!.outputs.privateDnsZoneId : ''
    skuName: databaseSku
    skuTier: databaseTier
    storageSizeGB: databaseStorageGB
    administrators: [
      { principalId: identities.outputs.gatewayPrincipalId, name: identities.outputs.gatewayName }
      { principalId: identities.outputs.workerPrincipalId, name: identities.outputs.workerName }
    ]
  }
}

module queue 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: {
    location: location
    prefix: prefix
    tags: tags
    sku: serviceBusSku
    queueName: warmQueueName
    maxDeliveryCount: warmQueueMaxDeliveries
    gatewayPrincipalId: identities.outputs.gatewayPrincipalId
    workerPrincipalId: identities.outputs.workerPrincipalId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    prefix: prefix
    tags: tags
    containerName: blobContainer
    gatewayPrincipalId: identities.outputs.gatewayPrincipalId
    workerPrincipalId: identities.outputs.workerPrincipalId
  }
}

module registryPull 'modules/registry-pull.bicep' = if (!empty(workerRegistryServer)) {
  name: 'registry-pull'
  params: {
    registryName: split(workerRegistryServer, '.')[0]
    workerPrincipalId: identities.outputs.workerPrincipalId
  }
}

// Settings both components read, the same names the code binds (README, "Configuration").
var shared = {
  Mirrorstage__Database__Authentication: 'entra'
  Mirrorstage__Queue__Transport: 'servicebus'
  Mirrorstage__Queue__ServiceBusNamespace: queue.outputs.fullyQualifiedNamespace
  Mirrorstage__Queue__QueueName: warmQueueName
  Mirrorstage__Queue__MaxAttempts: string(warmQueueMaxDeliveries)
  Mirrorstage__Blobs__Provider: 'azure'
  Mirrorstage__Blobs__AzureServiceUri: storage.outputs.blobEndpoint
  Mirrorstage__Blobs__AzureContainer: blobContainer
  Mirrorstage__Telemetry__Exporter: 'azuremonitor'
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.insightsConnection
}

module worker 'modules/worker.bicep' = {
  name: 'worker'
  params: {
    location: location
    prefix: prefix
    tags: tags
    identityId: identities.outputs.workerId
    workspaceId: monitoring.outputs.workspaceId
    gpu: workerGpu
    image: workerImage
    registryServer: workerRegistryServer
    minReplicas: workerMinReplicas
    maxReplicas: workerMaxReplicas
    renderSlots: workerRenderSlots
    subnetId: databaseAccess == 'private' ? network!.outputs.workerSubnetId : ''
    serviceBusNamespace: queue.outputs.namespaceName
    queueName: warmQueueName
    sharedSettings: shared
    settings: {
      ConnectionStrings__Marten: marten(database.outputs.host, databaseName, identities.outputs.workerName)
      AZURE_CLIENT_ID: identities.outputs.workerClientId
      ASPNETCORE_URLS: 'http://+:8080'
      Mirrorstage__Worker__RenderSlots: workerRenderSlots
      Mirrorstage__Worker__InternalUrl: 'auto'
      Mirrorstage__Worker__Engine: renderEngine
      Mirrorstage__Worker__Neural__ModelPath: renderEngine == 'wav2lip-onnx' ? workerNeuralModelPath : ''
      Mirrorstage__LiveKit__Url: liveKitUrl
      Mirrorstage__LiveKit__ApiKey: liveKitApiKey
    }
    vaultReferences: {
      Mirrorstage__LiveKit__ApiSecret: vault.outputs.liveKitSecretUri
    }
  }
}

module gateway 'modules/gateway.bicep' = {
  name: 'gateway'
  params: {
    location: location
    prefix: prefix
    tags: tags
    plan: gatewayPlan
    identityId: identities.outputs.gatewayId
    identityClientId: identities.outputs.gatewayClientId
    hostAccountName: storage.outputs.hostAccountName
    hostBlobEndpoint: storage.outputs.hostBlobEndpoint
    deploymentContainer: storage.outputs.deploymentContainer
    subnetId: databaseAccess == 'private' ? network!.outputs.gatewaySubnetId : ''
    maximumInstanceCount: gatewayMaxInstances
    sharedSettings: shared
    paymentSettings: paymentSettings(paymentNetworks, vault.outputs.relayerKeyUri)
    settings: {
      ConnectionStrings__Marten: marten(database.outputs.host, databaseName, identities.outputs.gatewayName)
      Mirrorstage__Gateway__TokenSecret: keyVaultReference(vault.outputs.tokenSecretUri)
      Mirrorstage__Gateway__WebSocketBaseUrl: 'wss://${worker.outputs.fqdn}'
      // Shipped with the Functions publish output (models/), relative to the app's folder.
      Mirrorstage__Images__CascadePath: 'models/haarcascade_frontalface_default.xml'
      Mirrorstage__Images__LandmarkModelPath: 'models/shape_predictor_68_face_landmarks.dat'
      // The headroom is what the live replicas leave of the ceiling (the gateway subtracts their slots).
      Mirrorstage__Capacity__MaxFleetSlots: string(workerMaxReplicas * workerRenderSlots)
      Mirrorstage__Capacity__ColdStartSeconds: string(workerColdStartSeconds)
      Mirrorstage__Pricing__PricePerMinuteUsd: pricePerMinuteUsd
      Mirrorstage__Payments__Journal__Folder: gatewayJournalFolder
      Mirrorstage__LiveKit__Url: liveKitUrl
      Mirrorstage__LiveKit__ApiKey: liveKitApiKey
      Mirrorstage__LiveKit__ApiSecret: empty(liveKitUrl) ? '' : keyVaultReference(vault.outputs.liveKitSecretUri)
    }
  }
}

func keyVaultReference(uri string) string => '@Microsoft.KeyVault(SecretUri=${uri})'

func marten(host string, db string, user string) string =>
  'Host=${host};Database=${db};Username=${user};Ssl Mode=Require'

func networkSettings(i int, network object, relayerKeyUri string) object => union(
  toObject(filter(items(network), kv => !empty(string(kv.value))),
    kv => 'Mirrorstage__Payments__Networks__${i}__${kv.key}', kv => string(kv.value)),
  (network.?Settlement ?? 'facilitator') == 'self' && !empty(relayerKeyUri)
    ? { 'Mirrorstage__Payments__Networks__${i}__RelayerPrivateKey': keyVaultReference(relayerKeyUri) }
    : {})

func paymentSettings(networks array, relayerKeyUri string) object =>
  reduce(map(range(0, length(networks)), i => networkSettings(i, networks[i], relayerKeyUri)), {}, (acc, next) => union(acc, next))

output gatewayUrl string = 'https://${gateway.outputs.hostName}'
output streamBaseUrl string = 'wss://${worker.outputs.fqdn}'
output gatewaySiteName string = gateway.outputs.siteName
output gatewayPackageUrl string = gateway.outputs.packageUrl
output gatewaySiteId string = gateway.outputs.siteId
output workerAppId string = worker.outputs.appId
output eventStoreServerId string = database.outputs.serverId
output serviceBusNamespaceId string = queue.outputs.namespaceId
output dataStorageAccountId string = storage.outputs.dataAccountId
output keyVaultName string = vault.outputs.vaultName
