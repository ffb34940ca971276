// The render worker: Azure Container Apps on a serverless GPU workload profile. Its ingress carries the session
// WebSockets (/v1/sessions/{id}/stream) and the preview; KEDA scales replicas on the warm queue's depth.
param location string
param prefix string
param tags object
param identityId string
param workspaceId string
@allowed(['T4', 'A100'])
param gpu string
param image string
param registryServer string
param minReplicas int
param maxReplicas int
param renderSlots int
param subnetId string
param serviceBusNamespace string
param queueName string
@description('Settings gateway and worker both read (names with __).')
param sharedSettings object
@description('Plain environment variables only the worker reads (names with __).')
param settings object
@description('Key Vault references the worker reads: environment variable name -> secret URI (empty URIs are skipped).')
param vaultReferences object

var gpuProfile = gpu == 'T4'
  ? { type: 'Consumption-GPU-NC8as-T4', cpu: '8', memory: '56Gi' }
  : { type: 'Consumption-GPU-NC24-A100', cpu: '24', memory: '220Gi' }
var secrets = filter(items(vaultReferences), s => !empty(s.value))
var plainEnv = [for s in items(union(sharedSettings, settings)): { name: s.key, value: string(s.value) }]
var secretEnv = [for s in secrets: { name: s.key, secretRef: toLower(replace(s.key, '__', '-')) }]

resource environment 'Microsoft.App/managedEnvironments@2025-01-01' = {
  name: '${prefix}-workers'
  location: location
  tags: tags
  properties: {
    appLogsConfiguration: { destination: 'azure-monitor' }
    vnetConfiguration: empty(subnetId) ? null : { infrastructureSubnetId: subnetId, internal: false }
    workloadProfiles: [
      { name: 'Consumption', workloadProfileType: 'Consumption' }
      { name: 'gpu', workloadProfileType: gpuProfile.type }
    ]
  }
}

// Container logs go to the shared Log Analytics workspace without a workspace key in the template.
resource logs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: environment
  name: 'to-log-analytics'
  properties: {
    workspaceId: workspaceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

resource app 'Microsoft.App/containerApps@2025-01-01' = {
  name: '${prefix}-worker'
  location: location
  tags: tags
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: 'gpu'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: 8080
        // HTTP/1.1 upgrade: the session socket and the low-latency preview socket are WebSockets.
        transport: 'http'
        allowInsecure: false
      }
      secrets: [for s in secrets: {
        name: toLower(replace(s.key, '__', '-'))
        keyVaultUrl: s.value
        identity: identityId
      }]
      registries: empty(registryServer) ? [] : [{ server: registryServer, identity: identityId }]
    }
    template: {
      // A replica hands its sessions to others on SIGTERM within 15 s (graceful hand-over).
      terminationGracePeriodSeconds: 30
      containers: [
        {
          name: 'worker'
          image: image
          resources: { cpu: json(gpuProfile.cpu), memory: gpuProfile.memory }
          env: concat(plainEnv, secretEnv)
          probes: [
            { type: 'Liveness', httpGet: { path: '/worker/health', port: 8080 }, periodSeconds: 10 }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            name: 'warm-queue'
            custom: {
              type: 'azure-servicebus'
              metadata: {
                namespace: serviceBusNamespace
                queueName: queueName
                // One waiting warm request per free slot a new replica brings.
                messageCount: string(renderSlots)
              }
              identity: identityId
            }
          }
        ]
      }
    }
  }
}

output fqdn string = app.properties.configuration.ingress.fqdn
output appId string = app.id
output environmentId string = environment.id
