// Azure Database for PostgreSQL Flexible Server: the event store. Entra authentication only (no passwords):
// each component's managed identity is an Entra administrator and signs in with a token; TLS is required.
param location string
param prefix string
param tags object
param databaseName string
@allowed(['firewall', 'private'])
param access string
@description('Client IP ranges allowed through the firewall besides Azure services (firewall access only).')
param allowedIpRanges array
param subnetId string
param privateDnsZoneId string
param skuName string
param skuTier string
param storageSizeGB int
param administrators array

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: '${prefix}-pg-${uniqueString(resourceGroup().id)}'
  location: location
  tags: tags
  sku: { name: skuName, tier: skuTier }
  properties: {
    version: '16'
    storage: { storageSizeGB: storageSizeGB, autoGrow: 'Enabled' }
    backup: { backupRetentionDays: 14, geoRedundantBackup: 'Disabled' }
    highAvailability: { mode: 'Disabled' }
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
      tenantId: subscription().tenantId
    }
    network: access == 'private'
      ? { publicNetworkAccess: 'Disabled', delegatedSubnetResourceId: subnetId, privateDnsZoneArmResourceId: privateDnsZoneId }
      : { publicNetworkAccess: 'Enabled' }
  }
}

resource requireTls 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = {
  parent: server
  name: 'require_secure_transport'
  properties: { value: 'on', source: 'user-override' }
}

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: server
  name: databaseName
  properties: { charset: 'UTF8', collation: 'en_US.utf8' }
}

@batchSize(1)
resource admins 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01' = [for a in administrators: {
  parent: server
  name: a.principalId
  properties: {
    principalType: 'ServicePrincipal'
    principalName: a.name
    tenantId: subscription().tenantId
  }
  dependsOn: [database, requireTls]
}]

resource azureServices 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = if (access == 'firewall') {
  parent: server
  name: 'allow-azure-services'
  properties: { startIpAddress: '0.0.0.0', endIpAddress: '0.0.0.0' }
}

resource clientRanges 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2024-08-01' = [for (r, i) in (access == 'firewall' ? allowedIpRanges : []): {
  parent: server
  name: 'client-${i}'
  properties: { startIpAddress: r.start, endIpAddress: r.end }
}]

output host string = server.properties.fullyQualifiedDomainName
output serverId string = server.id
