// A real local EVM chain for payment tests: anvil, our EIP-3009 token compiled with solc-js and deployed,
// funds minted to test payers. Accounts are anvil's well-known development keys.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createPublicClient, createWalletClient, defineChain, http, parseAbi } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { ports } from "./ports.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export const KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", // 0 deployer and minter
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d", // 1 official facilitator's signer
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a", // 2 gateway relayer (self-settlement)
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6", // 3 payTo
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a", // 4 payer A
  "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba", // 5 payer B
  "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e", // 6 payer C
  "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356", // 7 payer without funds
];

export const TOKEN_NAME = "Mirror USD";
export const TOKEN_VERSION = "2";

export const tokenAbi = parseAbi([
  "function balanceOf(address) view returns (uint256)",
  "function mint(address to, uint256 value)",
  "function authorizationState(address, bytes32) view returns (bool)",
]);

function compile() {
  const solc = require("solc");
  const source = readFileSync(path.join(here, "..", "contracts", "MirrorUSD.sol"), "utf8");
  const input = {
    language: "Solidity",
    sources: { "MirrorUSD.sol": { content: source } },
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: "cancun", outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  const contract = output.contracts["MirrorUSD.sol"].MirrorUSD;
  return { abi: contract.abi, bytecode: "0x" + contract.evm.bytecode.object };
}

async function waitForRpc(url, child, seconds = 30) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`anvil exited with ${child.exitCode}`);
    try {
      const r = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }) });
      if (r.ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`anvil did not answer on ${url} within ${seconds} s`);
}

export async function startChain({ port = ports.anvil } = {}) {
  const bin = path.join(here, "..", "node_modules", ".bin", "anvil");
  const child = spawn(bin, ["--host", "127.0.0.1", "--port", String(port), "--chain-id", "31337", "--silent"], { stdio: "ignore" });
  const rpcUrl = `http://127.0.0.1:${port}`;
  await waitForRpc(rpcUrl, child);

  const chain = defineChain({ id: 31337, name: "anvil", nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: [rpcUrl] } } });
  const publicClient = createPublicClient({ chain, transport: http(rpcUrl) });
  const deployer = createWalletClient({ account: privateKeyToAccount(KEYS[0]), chain, transport: http(rpcUrl) });

  const { abi, bytecode } = compile();
  const deployHash = await deployer.deployContract({ abi, bytecode, args: [TOKEN_NAME, TOKEN_VERSION] });
  const token = (await publicClient.waitForTransactionReceipt({ hash: deployHash })).contractAddress;

  const accounts = KEYS.map((k) => privateKeyToAccount(k));
  for (const payer of accounts.slice(4, 7)) {
    const hash = await deployer.writeContract({ address: token, abi: tokenAbi, functionName: "mint", args: [payer.address, 100_000_000n] });
    await publicClient.waitForTransactionReceipt({ hash });
  }

  const balanceOf = (address) => publicClient.readContract({ address: token, abi: tokenAbi, functionName: "balanceOf", args: [address] });
  return {
    rpcUrl, chain, publicClient, token, accounts, abi,
    rpc: async (method, params = []) => {
      const r = await fetch(rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
      const body = await r.json();
      if (body.error) throw new Error(`${method}: ${body.error.message}`);
      return body.result;
    },
    payTo: accounts[3].address,
    balanceOf,
    stop: () => child.kill("SIGKILL"),
  };
}
