using System.CommandLine;
using Mirrorstage.Cli.Audit.Chain;

namespace Mirrorstage.Cli.Audit;

/// <summary><c>mirrorstage audit verify-chain --rpc NETWORK=URL ...</c>: every settlement against its chain.</summary>
internal static class VerifyChainCommand
{
    public static Command Create(Option<string> connection, Option<string> progress, TextWriter stdout)
    {
        var rpc = new Option<string[]>("--rpc")
        {
            Description = "NETWORK=URL, the JSON-RPC of a network as the settlements name it (eip155:8453=https://..., solana:5eykt...=https://...); repeatable",
            AllowMultipleArgumentsPerToken = true,
            Required = true,
        };
        var command = new Command("verify-chain", "Check every settled payment on its chain: the transaction exists, succeeded, and moved exactly that amount of that asset from the payer to payTo.")
        {
            rpc,
        };
        command.SetAction(async (r, ct) =>
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var chains = new Dictionary<string, IChainReader>();
            foreach (var value in r.GetValue(rpc) ?? [])
            {
                var parts = value.Split('=', 2);
                if (parts.Length != 2 || !Uri.TryCreate(parts[1], UriKind.Absolute, out _) || !(parts[0].StartsWith("eip155:") || parts[0].StartsWith("solana:")))
                {
                    await Console.Error.WriteLineAsync($"--rpc {value}: expected eip155:ID=URL or solana:GENESIS=URL");
                    return 2;
                }
                chains[parts[0]] = parts[0].StartsWith("eip155:") ? new EvmChainReader(parts[1]) : new SolanaChainReader(http, parts[1]);
            }
            await using var db = AuditDatabase.Open(r.GetValue(connection)!);
            var total = await LedgerReplay.CountAsync(db, ct);
            var (found, good) = (0, 0);
            await ReplayProgress.RunAsync(ReplayProgress.Wanted(r.GetValue(progress)!, total), "checking settlements on chain", total, async tick =>
            {
                await foreach (var difference in SettlementCheck.RunAsync(db, chains, tick, ok => good += ok ? 1 : 0, ct))
                {
                    found++;
                    await stdout.WriteLineAsync(difference.ToString());
                }
                return 0;
            });
            await stdout.WriteLineAsync($"verify-chain: {good} settlement(s) match their chain, {found} difference(s)");
            return found == 0 ? 0 : 1;
        });
        return command;
    }
}
