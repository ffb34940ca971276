// A local x402 facilitator built from the official classes (@x402/core + @x402/evm), pointed at anvil,
// serving the standard HTTP API: POST /verify, POST /settle, GET /supported.
import { createServer } from "node:http";
import { x402Facilitator } from "@x402/core/facilitator";
import { toFacilitatorEvmSigner } from "@x402/evm";
import { ExactEvmScheme } from "@x402/evm/exact/facilitator";
import { createWalletClient, http, nonceManager, publicActions } from "viem";
import { KEYS } from "./chain.mjs";
import { privateKeyToAccount } from "viem/accounts";
import { ports } from "./ports.mjs";

export async function startFacilitator(chain, { port = ports.facilitator } = {}) {
  // Settlements may run concurrently: the account hands out its nonces itself, as a facilitator's must.
  const account = privateKeyToAccount(KEYS[1], { nonceManager });
  const client = createWalletClient({ account, chain: chain.chain, transport: http(chain.rpcUrl) }).extend(publicActions);
  const signer = toFacilitatorEvmSigner({
    address: account.address,
    readContract: (args) => client.readContract(args),
    verifyTypedData: (args) => client.verifyTypedData(args),
    writeContract: (args) => client.writeContract(args),
    sendTransaction: (args) => client.sendTransaction(args),
    waitForTransactionReceipt: (args) => client.waitForTransactionReceipt(args),
    getCode: (args) => client.getCode(args),
  });
  const facilitator = new x402Facilitator().register("eip155:31337", new ExactEvmScheme(signer));
  return serveFacilitator(facilitator, port);
}

/** Serves an official x402Facilitator over the standard HTTP API, counting the calls it answers. With
 * loseSettleAnswers, every settlement runs but its answer is lost (a 503), as when a connection drops. */
export async function serveFacilitator(facilitator, port, { loseSettleAnswers = false } = {}) {
  const calls = { verify: 0, settle: 0 };
  const settled = [];
  const server = createServer(async (req, res) => {
    const send = (status, body) => { res.writeHead(status, { "content-type": "application/json" }); res.end(JSON.stringify(body, (_, v) => (typeof v === "bigint" ? v.toString() : v))); };
    try {
      if (req.method === "GET" && req.url === "/supported") return send(200, facilitator.getSupported());
      let raw = "";
      for await (const chunk of req) raw += chunk;
      const body = JSON.parse(raw);
      if (req.method === "POST" && req.url === "/verify") { calls.verify++; return send(200, await facilitator.verify(body.paymentPayload, body.paymentRequirements)); }
      if (req.method === "POST" && req.url === "/settle") {
        calls.settle++;
        const answer = await facilitator.settle(body.paymentPayload, body.paymentRequirements);
        settled.push(answer);
        return loseSettleAnswers ? send(503, { error: "the answer was lost" }) : send(200, answer);
      }
      send(404, { error: "not found" });
    } catch (e) {
      send(500, { error: String(e?.message ?? e) });
    }
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${port}`, calls, settled, stop: () => new Promise((r) => server.close(r)) };
}
