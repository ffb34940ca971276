// Application Insights with local auth disabled accepts telemetry only with an Entra token: each component's
// identity may publish (Monitoring Metrics Publisher), nothing more.
import { roleIds } from 'roles.bicep'

param insightsName string
param principalIds array

resource insights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: insightsName
}

resource publish 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for p in principalIds: {
  scope: insights
  name: guid(insights.id, p, roleIds.monitoringMetricsPublisher)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.monitoringMetricsPublisher)
    principalId: p
    principalType: 'ServicePrincipal'
  }
}]
