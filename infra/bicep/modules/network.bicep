// Private networking (databaseAccess = 'private'): a virtual network whose subnets hold PostgreSQL (delegated,
// no public endpoint), the worker's Container Apps environment and the gateway's outbound integration.
param location string
param prefix string
param tags object
@allowed(['FlexConsumption', 'ElasticPremium'])
param gatewayPlan string

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: '${prefix}-vnet'
  location: location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: ['10.40.0.0/16'] }
    subnets: [
      {
        name: 'postgres'
        properties: {
          addressPrefix: '10.40.1.0/24'
          delegations: [{ name: 'postgres', properties: { serviceName: 'Microsoft.DBforPostgreSQL/flexibleServers' } }]
        }
      }
      {
        name: 'workers'
        properties: {
          addressPrefix: '10.40.4.0/23'
          delegations: [{ name: 'containerapps', properties: { serviceName: 'Microsoft.App/environments' } }]
        }
      }
      {
        name: 'gateway'
        properties: {
          addressPrefix: '10.40.8.0/24'
          delegations: [{
            name: 'functions'
            properties: { serviceName: gatewayPlan == 'FlexConsumption' ? 'Microsoft.App/environments' : 'Microsoft.Web/serverFarms' }
          }]
        }
      }
    ]
  }
}

// The zone name Azure documents for flexible servers with private access; linked so both apps resolve it.
resource zone 'Microsoft.Network/privateDnsZones@2024-06-01' = {
  name: '${prefix}.private.postgres.database.azure.com'
  location: 'global'
  tags: tags
}

resource zoneLink 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2024-06-01' = {
  parent: zone
  name: '${prefix}-vnet-link'
  location: 'global'
  properties: {
    registrationEnabled: false
    virtualNetwork: { id: vnet.id }
  }
}

output postgresSubnetId string = vnet.properties.subnets[0].id
output workerSubnetId string = vnet.properties.subnets[1].id
output gatewaySubnetId string = vnet.properties.subnets[2].id
output privateDnsZoneId string = zone.id
