// Every port the rig binds on loopback, from one base, so two rigs can run on one machine:
// MIRRORSTAGE_CONFORMANCE_PORT_BASE (default 58100).
const base = Number(process.env.MIRRORSTAGE_CONFORMANCE_PORT_BASE ?? 58100);

export const ports = {
  gatewayFacilitator: base + 1, // EVM, settling through the official facilitator
  gatewaySelf: base + 2, // EVM, settling itself
  gatewaySvm: base + 3, // Solana, settling through the official SVM facilitator
  gatewaySvmLossy: base + 4, // Solana, whose settlement answers are lost (reconciliation)
  gatewayRecovery: base + 5, // EVM, recovery from lost answers and store outages
  gatewayCapacity: base + 6, // EVM, a fixed fleet whose free slots the suite plants
  gatewaySvmPending: base + 7, // Solana, whose facilitator gives up waiting for confirmation (reconciliation)
  gatewayAgentPlugin: base + 8, // EVM, charging the LiveKit Agents plugin (integrations/livekit-agents)
  facilitator: base + 10, // official EVM facilitator
  svmFacilitator: base + 11, // official SVM facilitator
  svmLossyFacilitator: base + 12, // the same facilitator, losing its settlement answers
  svmImpatientFacilitator: base + 13, // the same facilitator, waiting 2 s for a transaction to confirm
  anvil: base + 20, // EVM chain
  svmRpc: base + 21, // Solana JSON-RPC over litesvm
};
