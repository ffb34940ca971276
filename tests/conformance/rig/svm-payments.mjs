// Paying on the rig's Solana as an agent would: the official client (@x402/fetch + @x402/svm), and hand-made
// transactions for attacks, laid out exactly as the official client lays them out unless told otherwise.
import { randomBytes } from "node:crypto";
import { x402Client, wrapFetchWithPayment } from "@x402/fetch";
import { ExactSvmScheme, MEMO_PROGRAM_ADDRESS } from "@x402/svm";
import {
  appendTransactionMessageInstructions, createTransactionMessage, getBase64EncodedWireTransaction, getBase64Encoder,
  getSignatureFromTransaction, getTransactionDecoder, lamports, partiallySignTransaction, partiallySignTransactionMessageWithSigners,
  pipe, setTransactionMessageFeePayer, setTransactionMessageLifetimeUsingBlockhash,
} from "@solana/kit";
import { getSetComputeUnitLimitInstruction, getSetComputeUnitPriceInstruction } from "@solana-program/compute-budget";
import { getTransferSolInstruction } from "@solana-program/system";
import { TOKEN_PROGRAM_ADDRESS, findAssociatedTokenPda, getTransferCheckedInstruction } from "@solana-program/token";
import { DECIMALS, SVM_NETWORK } from "./svm-chain.mjs";
import { decode, encode, recordingFetch } from "./payments.mjs";

/** The official client paying with `signer`, allowed the rig's mint; every PAYMENT-SIGNATURE it sends is recorded. */
export function officialSvmClient(signer, solana) {
  const sent = [];
  const client = new x402Client().setSpendControls({ allowedAssets: [{ network: SVM_NETWORK, asset: solana.mint }] });
  client.register("solana:*", new ExactSvmScheme(signer, { rpcUrl: solana.url }));
  return { pay: wrapFetchWithPayment(recordingFetch(sent), client), sent };
}

const ata = async (owner, mint) => (await findAssociatedTokenPda({ owner, mint, tokenProgram: TOKEN_PROGRAM_ADDRESS }))[0];

/** A PAYMENT-SIGNATURE for `accepted`, signed by `payer`, with any part of the transaction changed. */
export async function handMadeSvmPayment(solana, accepted, payer, {
  amount = BigInt(accepted.amount), mint = accepted.asset, payToOwner = accepted.payTo, authority = payer,
  computePrice = 1n, extraInstructions = [],
} = {}) {
  const transfer = getTransferCheckedInstruction({
    source: await ata(authority.address, mint), mint, destination: await ata(payToOwner, mint), authority, amount, decimals: DECIMALS,
  });
  const memo = { programAddress: MEMO_PROGRAM_ADDRESS, accounts: [], data: new TextEncoder().encode(randomBytes(16).toString("hex")) };
  const message = pipe(
    createTransactionMessage({ version: 0 }),
    (m) => setTransactionMessageFeePayer(accepted.extra.feePayer, m),
    (m) => appendTransactionMessageInstructions([
      getSetComputeUnitLimitInstruction({ units: 20_000 }), getSetComputeUnitPriceInstruction({ microLamports: computePrice }),
      transfer, memo, ...extraInstructions], m),
    (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: solana.svm.latestBlockhash(), lastValidBlockHeight: 1_000_000n }, m),
  );
  const transaction = getBase64EncodedWireTransaction(await partiallySignTransactionMessageWithSigners(message));
  return encode({ x402Version: 2, accepted, payload: { transaction } });
}

/** A payment's transaction completed with the fee payer's signature, as a facilitator would send it: {wire, signature}. */
export async function signedByFeePayer(solana, paymentSignature) {
  const tx = getTransactionDecoder().decode(getBase64Encoder().encode(decode(paymentSignature).payload.transaction));
  const signed = await partiallySignTransaction([solana.feePayer.keyPair], tx);
  return { wire: getBase64EncodedWireTransaction(signed), signature: getSignatureFromTransaction(signed) };
}

/** Sends a payment's transaction to the rig's RPC without verifying it first (no facilitator would): a transaction
 * that fails in its instructions still lands, fee charged and failure recorded. Returns its signature. */
export async function sendUnverified(solana, paymentSignature) {
  const { wire } = await signedByFeePayer(solana, paymentSignature);
  const response = await fetch(solana.url, { method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "sendTransaction", params: [wire, { encoding: "base64", skipPreflight: true }] }) });
  const answer = await response.json();
  if (answer.error) throw new Error(`sendTransaction: ${JSON.stringify(answer.error)}`);
  return answer.result;
}

/** An instruction no exact payment may carry: the payer also sends a lamport elsewhere. */
export const lamportTo = (payer, destination) => getTransferSolInstruction({ source: payer, destination, amount: lamports(1n) });

/** Other spellings of the same base64 bytes that lenient decoders accept: whitespace, and unused trailing bits. */
export function respellings(b64) {
  const bytes = Buffer.from(b64, "base64");
  const variants = [b64.replace(/(.{64})/g, "$1 "), b64.replace(/(.{76})/g, "$1\n"), `${b64.slice(0, 4)} ${b64.slice(4)}`, ` ${b64}`];
  const padding = b64.endsWith("==") ? 4 : b64.endsWith("=") ? 2 : 0; // unused bits in the last character
  const body = b64.replace(/=+$/, "");
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const last = alphabet.indexOf(body.at(-1));
  variants.push(padding ? body.slice(0, -1) + alphabet[last | ((1 << padding) - 1)] + b64.slice(body.length) : `${b64}\t`);
  if (variants.some((v) => !Buffer.from(v, "base64").equals(bytes))) throw new Error("a re-spelling must decode to the same bytes");
  return variants;
}
