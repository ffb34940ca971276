// What a validator records around each transaction it runs, read from the VM's accounts: every account's lamports
// (meta.preBalances / postBalances) and the SPL token balances (meta.preTokenBalances / postTokenBalances). Token
// balances follow Agave's rule: of the transaction's accounts, except the programs it invokes and the token
// programs themselves, each one owned by a token program that unpacks as an initialized token account whose mint
// is an initialized mint; owner is the token account's owner, programId the program owning the account.
import { getBase58Decoder } from "@solana/kit";

export const TOKEN_PROGRAMS = new Set(["TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA", "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb"]);
const ACCOUNT_LEN = 165; // spl-token Account: mint 0..32, owner 32..64, amount u64 LE 64..72, ..., state at 108
const MINT_LEN = 82; // spl-token Mint: ..., decimals at 44, is_initialized at 45
const MULTISIG_LEN = 355;
const ACCOUNT_TYPE = { mint: 1, account: 2 }; // Token-2022: the byte after the base account when extensions follow

const b58 = getBase58Decoder();

/** base (or base + Token-2022 extensions) of the given kind, as StateWithExtensions::unpack accepts it. */
function unpacks(data, baseLen, type) {
  if (data.length === baseLen) return true;
  return data.length > ACCOUNT_LEN && data.length !== MULTISIG_LEN && data[ACCOUNT_LEN] === type;
}

function mintDecimals(svm, mint) {
  const account = svm.getAccount(mint);
  if (!account.exists || !TOKEN_PROGRAMS.has(String(account.programAddress))) return null;
  const data = account.data;
  return unpacks(data, MINT_LEN, ACCOUNT_TYPE.mint) && data[45] === 1 ? data[44] : null;
}

/** "1.5" for 1500000 at 6 decimals: the amount as a decimal, trailing zeros (and a bare point) trimmed. */
export function uiAmountString(amount, decimals) {
  if (decimals === 0) return amount.toString();
  const digits = amount.toString().padStart(decimals + 1, "0");
  return `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`.replace(/0+$/, "").replace(/\.$/, "");
}

function tokenBalance(svm, address, accountIndex) {
  const account = svm.getAccount(address);
  if (!account.exists || !TOKEN_PROGRAMS.has(String(account.programAddress))) return null;
  const data = account.data;
  if (!unpacks(data, ACCOUNT_LEN, ACCOUNT_TYPE.account) || data[108] === 0) return null;
  const mint = b58.decode(data.subarray(0, 32));
  const decimals = mintDecimals(svm, mint);
  if (decimals === null) return null;
  const amount = new DataView(data.buffer, data.byteOffset, data.length).getBigUint64(64, true);
  return { accountIndex, mint, owner: b58.decode(data.subarray(32, 64)), programId: String(account.programAddress), uiTokenAmount: {
    amount: amount.toString(), decimals, uiAmount: Number(amount) / 10 ** decimals, uiAmountString: uiAmountString(amount, decimals) } };
}

/** The balances of `accounts` (the message's account keys) as they are now; `invoked` are program indexes. */
export function balancesOf(svm, accounts, invoked) {
  const tokenBalances = accounts.map((address, i) => (invoked.has(i) || TOKEN_PROGRAMS.has(address) ? null : tokenBalance(svm, address, i)))
    .filter((b) => b !== null);
  return { balances: accounts.map((address) => svm.getBalance(address) ?? 0n), tokenBalances };
}
