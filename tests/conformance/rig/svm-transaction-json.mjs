// getTransaction's `transaction` in the encoding asked for: "base64" / "base58" (the wire bytes), "json" (the
// compiled message: account keys as strings, instructions by index) or "jsonParsed" (account keys with their
// signer / writable flags, instructions naming their program and accounts). jsonParsed parses no instruction: each
// comes partially decoded ({programId, accounts, data}), as a validator gives one of a program it cannot parse.
// Accounts loaded from lookup tables are not resolved (the rig's transactions use none).
import { getBase58Decoder, getBase64Encoder, getCompiledTransactionMessageDecoder, getTransactionDecoder } from "@solana/kit";

const b58 = getBase58Decoder();
const ENCODINGS = new Set(["base64", "base58", "json", "jsonParsed"]);

export function decodeMessage(bytes) {
  const tx = getTransactionDecoder().decode(bytes);
  return { tx, message: getCompiledTransactionMessageDecoder().decode(tx.messageBytes) };
}

export function transactionJson(wire, encoding) {
  if (!ENCODINGS.has(encoding)) throw { code: -32602, message: `Invalid params: unknown variant \`${encoding}\`, expected one of ${[...ENCODINGS].join(", ")}` };
  if (encoding === "base64") return [wire, "base64"];
  const bytes = getBase64Encoder().encode(wire);
  if (encoding === "base58") return [b58.decode(bytes), "base58"];
  const { tx, message } = decodeMessage(bytes);
  const keys = message.staticAccounts.map(String);
  const { numSignerAccounts: signers, numReadonlySignerAccounts: readonlySigners, numReadonlyNonSignerAccounts: readonlyOthers } = message.header;
  const lookups = (message.addressTableLookups ?? []).map((l) => ({
    accountKey: String(l.lookupTableAddress), writableIndexes: [...l.writableIndexes], readonlyIndexes: [...l.readonlyIndexes] }));
  const common = { recentBlockhash: message.lifetimeToken, ...(message.version === "legacy" ? {} : { addressTableLookups: lookups }) };
  const signatures = Object.values(tx.signatures).map((s) => b58.decode(s ?? new Uint8Array(64)));
  const instructions = message.instructions.map((i) => ({ program: i.programAddressIndex, accounts: i.accountIndices ?? [], data: b58.decode(i.data ?? new Uint8Array()) }));
  if (encoding === "json") {
    return { signatures, message: {
      header: { numRequiredSignatures: signers, numReadonlySignedAccounts: readonlySigners, numReadonlyUnsignedAccounts: readonlyOthers },
      accountKeys: keys, ...common,
      instructions: instructions.map((i) => ({ programIdIndex: i.program, accounts: i.accounts, data: i.data, stackHeight: null })) } };
  }
  const writable = (i) => (i < signers ? i < signers - readonlySigners : i < keys.length - readonlyOthers);
  return { signatures, message: {
    accountKeys: keys.map((pubkey, i) => ({ pubkey, signer: i < signers, writable: writable(i), source: "transaction" })), ...common,
    instructions: instructions.map((i) => ({ programId: keys[i.program], accounts: i.accounts.map((a) => keys[a]), data: i.data, stackHeight: null })) } };
}
