// A Solana JSON-RPC endpoint over litesvm (an in-process Solana VM): the methods the official x402 SVM client
// and facilitator call, answered with the shapes a validator's RPC answers with. Everything lands at once, so a
// sent transaction is "finalized" as soon as the VM has run it, unless landings are held: then a sent transaction
// waits, unseen by every method, until it is released, as one a validator has not confirmed yet. Each landed
// transaction keeps the balances before and after it ran (svm-balances.mjs), which getTransaction answers in its
// meta. Calls are counted per method, and per URL path, so that each client given its own path (`urlFor`) can be
// told apart.
import { createServer } from "node:http";
import { LiteSVM } from "litesvm";
import { getBase58Decoder, getBase64Decoder, getBase64Encoder, getTransactionDecoder } from "@solana/kit";
import { balancesOf } from "./svm-balances.mjs";
import { decodeMessage, transactionJson } from "./svm-transaction-json.mjs";

// litesvm's TransactionErrorFieldless, in its order: the names a validator's RPC prints.
const FIELDLESS = ["AccountInUse", "AccountLoadedTwice", "AccountNotFound", "ProgramAccountNotFound", "InsufficientFundsForFee",
  "InvalidAccountForFee", "AlreadyProcessed", "BlockhashNotFound", "CallChainTooDeep", "MissingSignatureForFee", "InvalidAccountIndex",
  "SignatureFailure", "InvalidProgramForExecution", "SanitizeFailure", "ClusterMaintenance", "AccountBorrowOutstanding",
  "WouldExceedMaxBlockCostLimit", "UnsupportedVersion", "InvalidWritableAccount", "WouldExceedMaxAccountCostLimit",
  "WouldExceedAccountDataBlockLimit", "TooManyAccountLocks", "AddressLookupTableNotFound", "InvalidAddressLookupTableOwner",
  "InvalidAddressLookupTableData", "InvalidAddressLookupTableIndex", "InvalidRentPayingAccount", "WouldExceedMaxVoteCostLimit",
  "WouldExceedAccountDataTotalLimit", "MaxLoadedAccountsDataSizeExceeded", "ResanitizationNeeded", "InvalidLoadedAccountsDataSizeLimit",
  "UnbalancedTransaction", "ProgramCacheHitMaxLimit", "CommitCancelled"];

/** A litesvm error as RPC JSON: "BlockhashNotFound", {"InstructionError":[2,{"Custom":1}]}, ... */
function errorJson(err) {
  if (typeof err === "number") return FIELDLESS[err] ?? `TransactionError${err}`;
  if (typeof err?.err === "function") {
    const inner = err.err();
    return { InstructionError: [err.index, typeof inner === "number" ? `InstructionError${inner}` : inner?.code !== undefined ? { Custom: inner.code } : String(inner)] };
  }
  return String(err);
}

const landsOnChain = (err) => typeof err === "object" && "InstructionError" in err; // fee charged, failure recorded

export async function startSvmRpc({ port }) {
  const svm = new LiteSVM();
  const statuses = new Map(); // signature -> { slot, err, wire (base64), version, accounts, before, after, logs, units }
  const sentOrder = [];
  const b58 = getBase58Decoder();
  const decodeTx = (b64) => getTransactionDecoder().decode(getBase64Encoder().encode(b64));
  const slot = () => svm.getClock().slot;
  const context = () => ({ slot: slot() });
  const signatureOf = (tx) => b58.decode(Object.values(tx.signatures)[0]);
  let held = null; // transactions sent while landings are held, in order

  /** Runs a sent transaction on the VM and records it as a validator would; returns its signature. */
  function land(b64) {
    const { tx, message } = decodeMessage(getBase64Encoder().encode(b64));
    const signature = signatureOf(tx);
    const accounts = message.staticAccounts.map(String);
    const invoked = new Set(message.instructions.map((i) => i.programAddressIndex));
    const before = balancesOf(svm, accounts, invoked);
    const result = svm.sendTransaction(tx);
    const failed = typeof result.err === "function";
    const err = failed ? errorJson(result.err()) : null;
    const meta = failed ? result.meta() : result;
    if (err && !landsOnChain(err)) throw { code: -32002, message: `Transaction simulation failed: ${JSON.stringify(err)}`, data: { err, logs: meta.logs() } };
    statuses.set(signature, { slot: slot(), err, wire: b64, version: message.version, accounts, before, after: balancesOf(svm, accounts, invoked),
      logs: meta.logs(), units: meta.computeUnitsConsumed() });
    sentOrder.push(signature);
    return signature;
  }

  const methods = {
    getSlot: () => slot(),
    getBlockHeight: () => slot(),
    getHealth: () => "ok",
    getLatestBlockhash: () => ({ context: context(), value: { blockhash: svm.latestBlockhash(), lastValidBlockHeight: slot() + 150n } }),
    getBalance: ([address]) => ({ context: context(), value: svm.getBalance(address) ?? 0n }),
    getMinimumBalanceForRentExemption: ([size]) => svm.minimumBalanceForRentExemption(BigInt(size)),
    getAccountInfo: ([address]) => {
      const account = svm.getAccount(address);
      if (!account.exists) return { context: context(), value: null };
      return { context: context(), value: {
        data: [getBase64Decoder().decode(account.data), "base64"], executable: account.executable, lamports: account.lamports,
        owner: account.programAddress, rentEpoch: 0, space: BigInt(account.data.length) } };
    },
    simulateTransaction: ([b64, config = {}]) => {
      const tx = decodeTx(b64);
      svm.withSigverify(config.sigVerify === true);
      let result;
      try { result = svm.simulateTransaction(tx); } finally { svm.withSigverify(true); }
      const failed = typeof result.err === "function";
      const meta = result.meta();
      return { context: context(), value: {
        err: failed ? errorJson(result.err()) : null, logs: meta.logs(), accounts: null,
        unitsConsumed: meta.computeUnitsConsumed(), returnData: null, innerInstructions: config.innerInstructions ? [] : undefined } };
    },
    sendTransaction: ([b64]) => {
      if (!held) return land(b64);
      held.push(b64);
      return signatureOf(decodeTx(b64));
    },
    isBlockhashValid: ([blockhash]) => ({ context: context(), value: blockhash === svm.latestBlockhash() }),
    getSignaturesForAddress: ([address, { limit = 1000 } = {}]) => sentOrder.filter((s) => statuses.get(s).accounts.includes(address))
      .reverse().slice(0, limit).map((signature) => {
        const { slot: at, err } = statuses.get(signature);
        return { signature, slot: at, err, memo: null, blockTime: null, confirmationStatus: "finalized" };
      }),
    getTransaction: ([signature, { encoding = "json", maxSupportedTransactionVersion } = {}]) => {
      const status = statuses.get(signature);
      if (!status) return null;
      if (status.version !== "legacy" && (maxSupportedTransactionVersion ?? -1) < status.version) {
        throw { code: -32015, message: `Transaction version (${status.version}) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": ${status.version}` };
      }
      const { before, after } = status;
      return { slot: status.slot, blockTime: null, version: status.version, transaction: transactionJson(status.wire, encoding),
        // The fee is what the fee payer (account 0) lost: the rig's fee payers move no lamports of their own.
        meta: { err: status.err, status: status.err ? { Err: status.err } : { Ok: null }, fee: before.balances[0] - after.balances[0],
          preBalances: before.balances, postBalances: after.balances, preTokenBalances: before.tokenBalances, postTokenBalances: after.tokenBalances,
          innerInstructions: [], logMessages: status.logs, rewards: [], loadedAddresses: { writable: [], readonly: [] },
          computeUnitsConsumed: status.units } };
    },
    getSignatureStatuses: ([signatures]) => ({ context: context(), value: signatures.map((s) => {
      const status = statuses.get(s);
      return status ? { slot: status.slot, confirmations: null, err: status.err, confirmationStatus: "finalized",
        status: status.err ? { Err: status.err } : { Ok: null } } : null;
    }) }),
  };

  const calls = {};
  const callsByPath = {};
  const count = (counts, method) => { counts[method] = (counts[method] ?? 0) + 1; };
  const server = createServer(async (req, res) => {
    let raw = "";
    for await (const chunk of req) raw += chunk;
    const request = JSON.parse(raw);
    count(calls, request.method);
    count(callsByPath[req.url] ??= {}, request.method);
    let answer;
    try {
      const method = methods[request.method];
      answer = method ? { result: method(request.params ?? []) } : { error: { code: -32601, message: `Method not found: ${request.method}` } };
    } catch (e) {
      answer = { error: e?.code ? e : { code: -32603, message: String(e?.message ?? e) } };
    }
    // u64s go out as JSON numbers, as a validator writes them.
    const body = JSON.stringify({ jsonrpc: "2.0", id: request.id, ...answer }, (_, v) => (typeof v === "bigint" ? `#big#${v}` : v))
      .replace(/"#big#(\d+)"/g, "$1");
    res.writeHead(200, { "content-type": "application/json" });
    res.end(body);
  });
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${port}`;
  return {
    svm, url, statuses, sentOrder, calls,
    /** The RPC URL for one client, whose calls `callsOf(name)` counts apart from everyone else's. */
    urlFor: (name) => `${url}/${name}`,
    callsOf: (name) => callsByPath[`/${name}`] ?? {},
    /** From now on sent transactions wait unseen; `release` lands them, in the order they were sent. */
    holdLandings: () => {
      held = [];
      return { release: () => { const waiting = held ?? []; held = null; waiting.forEach(land); } };
    },
    stop: () => new Promise((r) => server.close(r)),
  };
}
