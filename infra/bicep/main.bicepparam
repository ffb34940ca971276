// Parameters for one deployment. Secrets are read from the deploying shell's environment, never written here:
//   export MIRRORSTAGE_TOKEN_SECRET="$(openssl rand -base64 48)"
using 'main.bicep'

param prefix = 'mirrorstage'
param gatewayPlan = 'FlexConsumption'
param workerImage = 'myregistry.azurecr.io/mirrorstage-worker:latest'
param workerRegistryServer = 'myregistry.azurecr.io'
param workerGpu = 'T4'
param workerMinReplicas = 0
param workerMaxReplicas = 4
param workerRenderSlots = 4
param databaseAccess = 'firewall'
param pricePerMinuteUsd = '0.10'
param paymentNetworks = [
  {
    Network: 'base'
    PayTo: '0xYourBaseReceivingAddress'
    Settlement: 'facilitator'
    FacilitatorUrl: 'https://facilitator.example.com'
  }
  {
    Network: 'solana'
    PayTo: 'YourSolanaOwnerAddressBase58'
    FeePayer: 'TheFacilitatorsFeePayerBase58'
    FacilitatorUrl: 'https://facilitator.example.com'
  }
]
param liveKitUrl = ''
param tokenSecret = readEnvironmentVariable('MIRRORSTAGE_TOKEN_SECRET', '')
param relayerPrivateKey = readEnvironmentVariable('MIRRORSTAGE_RELAYER_KEY', '')
param liveKitApiSecret = readEnvironmentVariable('MIRRORSTAGE_LIVEKIT_SECRET', '')
