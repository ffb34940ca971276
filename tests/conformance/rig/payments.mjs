// Helpers that act as an agent: the official x402 fetch client, and hand-made authorizations for attacks.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { x402Client, wrapFetchWithPayment } from "@x402/fetch";
import { ExactEvmScheme } from "@x402/evm/exact/client";
import { privateKeyToAccount } from "viem/accounts";
import { toHex } from "viem";
import { randomBytes } from "node:crypto";

const here = path.dirname(fileURLToPath(import.meta.url));
export const face = readFileSync(path.join(here, "..", "..", "..", "..", "shared", "fixtures", "faces", "astronaut.png"));

export function sessionForm(minutes = 15, outputUrl = undefined) {
  const form = new FormData();
  if (outputUrl) form.append("output_url", outputUrl);
  form.append("reference_image", new Blob([face], { type: "image/png" }), "face.png");
  form.append("accept_tos", "true");
  form.append("duration_minutes", String(minutes));
  return form;
}

/** fetch that records every PAYMENT-SIGNATURE it sends into `sent`. */
export function recordingFetch(sent) {
  return async (input, init) => {
    const request = new Request(input, init);
    const signature = request.headers.get("PAYMENT-SIGNATURE");
    if (signature) sent.push(signature);
    return fetch(request);
  };
}

/** The official client, allowed to pay the rig's token; every PAYMENT-SIGNATURE it sends is recorded. */
export function officialClient(key, token) {
  const sent = [];
  const client = new x402Client().setSpendControls({ allowedAssets: [{ network: "eip155:31337", asset: token }] });
  client.register("eip155:*", new ExactEvmScheme(privateKeyToAccount(key)));
  return { pay: wrapFetchWithPayment(recordingFetch(sent), client), sent };
}

export function decode(header) {
  return JSON.parse(Buffer.from(header, "base64").toString("utf8"));
}

export function encode(value) {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64");
}

/** A TransferWithAuthorization signed by `signerKey`, with any field overridden. */
export async function handMadePayment(accepted, fromKey, overrides = {}, signerKey = fromKey) {
  const from = privateKeyToAccount(fromKey).address;
  const now = Math.floor(Date.now() / 1000);
  const authorization = {
    from, to: accepted.payTo, value: accepted.amount, validAfter: String(now - 60), validBefore: String(now + 300),
    nonce: toHex(randomBytes(32)), ...overrides,
  };
  const signature = await privateKeyToAccount(signerKey).signTypedData({
    domain: { name: accepted.extra.name, version: accepted.extra.version, chainId: 31337, verifyingContract: accepted.asset },
    types: {
      TransferWithAuthorization: [
        { name: "from", type: "address" }, { name: "to", type: "address" }, { name: "value", type: "uint256" },
        { name: "validAfter", type: "uint256" }, { name: "validBefore", type: "uint256" }, { name: "nonce", type: "bytes32" },
      ],
    },
    primaryType: "TransferWithAuthorization",
    message: { ...authorization, value: BigInt(authorization.value), validAfter: BigInt(authorization.validAfter), validBefore: BigInt(authorization.validBefore) },
  });
  return encode({ x402Version: 2, accepted, payload: { signature, authorization } });
}
