using System.CommandLine;
using System.Diagnostics;
using Mirrorstage.Cli.Audit.Verify;

namespace Mirrorstage.Cli.Audit;

/// <summary><c>mirrorstage audit verify</c>: the chain, then the replayed ledger against the stored projections
/// and the sessions' usage. Prints every difference; exits 1 if there is any.</summary>
internal static class VerifyCommand
{
    public static Command Create(Option<string> connection, Option<string> progress, TextWriter stdout)
    {
        var anchors = new Option<string[]>("--anchor")
        {
            Description = "POSITION:HASH of a chain link kept from an earlier audit (repeatable)",
            AllowMultipleArgumentsPerToken = true,
        };
        var stats = new Option<bool>("--stats") { Description = "print events/s and peak memory to standard error" };
        var command = new Command("verify", "Check the billing chain, and the replayed ledger against the stored ledger, wallet balances and sessions.")
        {
            anchors, stats,
        };
        command.SetAction(async (r, ct) =>
        {
            if (!TryParseAnchors(r.GetValue(anchors) ?? [], out var kept, out var bad))
            {
                await Console.Error.WriteLineAsync($"--anchor {bad}: expected POSITION:HASH");
                return 2;
            }
            await using var db = AuditDatabase.Open(r.GetValue(connection)!);
            var clock = Stopwatch.StartNew();
            var total = await LedgerReplay.CountAsync(db, ct);
            var show = ReplayProgress.Wanted(r.GetValue(progress)!, total);
            var found = 0;
            foreach (var (label, check) in Checks(db, kept))
            {
                found += await ReplayProgress.RunAsync(show, label, total, async tick =>
                {
                    var n = 0;
                    await foreach (var difference in check(tick, ct))
                    {
                        n++;
                        await stdout.WriteLineAsync(difference.ToString());
                    }
                    return n;
                });
            }
            var (headN, headHash) = await ChainCheck.HeadAsync(db, ct);
            await stdout.WriteLineAsync(found == 0 ? "verify: no differences" : $"verify: {found} difference(s)");
            await stdout.WriteLineAsync($"chain head: position {headN}, hash {headHash} (keep it; pass --anchor {headN}:{headHash} next time)");
            if (r.GetValue(stats)) Stats.Print("verify", total, clock.Elapsed);
            return found == 0 ? 0 : 1;
        });
        return command;
    }

    private static IEnumerable<(string Label, Func<Action<long>, CancellationToken, IAsyncEnumerable<Difference>> Check)> Checks(
        AuditDatabase db, IReadOnlyDictionary<long, string> anchors) =>
    [
        ("checking the chain", (tick, ct) => ChainCheck.RunAsync(db, anchors, tick, ct)),
        ("replayed ledger against the stored ledger", (tick, ct) => LedgerCheck.RunAsync(db, tick, ct)),
        ("wallet balances", (_, ct) => WalletCheck.RunAsync(db, ct)),
        ("sessions: price, payments, credits, refunds", (_, ct) => SessionCheck.RunAsync(db, ct)),
    ];

    private static bool TryParseAnchors(string[] values, out Dictionary<long, string> anchors, out string? bad)
    {
        anchors = new Dictionary<long, string>();
        foreach (var value in values)
        {
            var parts = value.Split(':', 2);
            if (parts.Length != 2 || !long.TryParse(parts[0], out var n) || parts[1].Length != 64)
            {
                bad = value;
                return false;
            }
            anchors[n] = parts[1].ToLowerInvariant();
        }
        bad = null;
        return true;
    }
}
