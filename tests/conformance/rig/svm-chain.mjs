// A local Solana for payment tests: litesvm behind the JSON-RPC shim, an SPL mint standing for USDC (6 decimals)
// and a second mint that is not it, created and funded by real transactions on the VM.
import {
  appendTransactionMessageInstructions, createTransactionMessage, generateKeyPairSigner, lamports, pipe,
  setTransactionMessageFeePayerSigner, signTransactionMessageWithSigners,
} from "@solana/kit";
import { getCreateAccountInstruction } from "@solana-program/system";
import {
  TOKEN_PROGRAM_ADDRESS, findAssociatedTokenPda, getCreateAssociatedTokenIdempotentInstructionAsync,
  getInitializeMint2Instruction, getMintSize, getMintToCheckedInstruction, getTokenDecoder,
} from "@solana-program/token";
import { startSvmRpc } from "./svm-rpc.mjs";
import { ports } from "./ports.mjs";

// A CAIP-2 id the official SVM SDK knows (devnet's), so its client and facilitator accept the network; the
// asset is the rig's own mint, never devnet's USDC.
export const SVM_NETWORK = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1";
export const DECIMALS = 6;
const FUNDS = 100_000_000n; // 100 "USDC" per payer

export async function startSolana({ port = ports.svmRpc } = {}) {
  const rpc = await startSvmRpc({ port });
  const { svm } = rpc;
  const send = async (payer, instructions) => {
    const message = pipe(createTransactionMessage({ version: 0 }), (m) => setTransactionMessageFeePayerSigner(payer, m),
      (m) => svm.setTransactionMessageLifetimeUsingLatestBlockhash(m), (m) => appendTransactionMessageInstructions(instructions, m));
    const result = svm.sendTransaction(await signTransactionMessageWithSigners(message));
    if (typeof result.err === "function") throw new Error(`setup transaction failed: ${result.toString()}`);
  };

  const authority = await generateKeyPairSigner(); // mint authority, pays for the setup
  svm.airdrop(authority.address, lamports(10_000_000_000n));
  const ata = async (owner, mint) => (await findAssociatedTokenPda({ owner, mint, tokenProgram: TOKEN_PROGRAM_ADDRESS }))[0];

  async function createMint() {
    const mint = await generateKeyPairSigner();
    const space = BigInt(getMintSize());
    await send(authority, [
      getCreateAccountInstruction({ payer: authority, newAccount: mint, lamports: svm.minimumBalanceForRentExemption(space), space, programAddress: TOKEN_PROGRAM_ADDRESS }),
      getInitializeMint2Instruction({ mint: mint.address, decimals: DECIMALS, mintAuthority: authority.address }),
    ]);
    return mint.address;
  }

  /** Creates owner's associated token account for mint (if needed) and mints `amount` into it. */
  async function fund(owner, mint, amount) {
    const token = await ata(owner, mint);
    const instructions = [await getCreateAssociatedTokenIdempotentInstructionAsync({ payer: authority, owner, mint })];
    if (amount > 0n) instructions.push(getMintToCheckedInstruction({ mint, token, mintAuthority: authority, amount, decimals: DECIMALS }));
    await send(authority, instructions);
    return token;
  }

  const mint = await createMint(); // stands for USDC
  const otherMint = await createMint(); // a token that is not the one asked for
  const feePayer = await generateKeyPairSigner(); // the facilitator's
  svm.airdrop(feePayer.address, lamports(10_000_000_000n));
  const payTo = await generateKeyPairSigner();
  const stranger = await generateKeyPairSigner(); // owns a token account that is not payTo's
  const payers = [await generateKeyPairSigner(), await generateKeyPairSigner()];
  for (const p of payers) {
    await fund(p.address, mint, FUNDS);
    await fund(p.address, otherMint, FUNDS);
  }
  await fund(payTo.address, mint, 0n);
  await fund(stranger.address, mint, 0n);
  await fund(feePayer.address, mint, FUNDS); // so only the authority rule can refuse a fee-payer-signed transfer

  /** The token balance of owner's associated account for mint (atomic units). */
  async function balanceOf(owner, tokenMint = mint) {
    const account = svm.getAccount(await ata(owner, tokenMint));
    return account.exists ? getTokenDecoder().decode(account.data).amount : 0n;
  }

  return { ...rpc, mint, otherMint, feePayer, payTo: payTo.address, stranger: stranger.address, payers, balanceOf };
}
