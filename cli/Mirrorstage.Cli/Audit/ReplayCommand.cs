using System.CommandLine;
using System.Diagnostics;

namespace Mirrorstage.Cli.Audit;

/// <summary><c>mirrorstage audit replay</c>: the billing ledger rebuilt from the raw events.</summary>
internal static class ReplayCommand
{
    public static Command Create(Option<string> connection, Option<string> progress, TextWriter stdout)
    {
        var from = new Option<DateTimeOffset?>("--from") { Description = "first day (UTC) of rows to show, e.g. 2026-12-01" };
        var to = new Option<DateTimeOffset?>("--to") { Description = "rows before this day (UTC), exclusive" };
        var wallet = new Option<string?>("--wallet") { Description = "only this wallet's rows" };
        var session = new Option<string?>("--session") { Description = "only this session's rows" };
        var format = new Option<string>("--format") { Description = "table, csv or json", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "csv", "json");
        var summary = new Option<bool>("--summary") { Description = "print only the per-wallet and per-day summary" };
        var stats = new Option<bool>("--stats") { Description = "print events/s and peak memory to standard error" };

        var command = new Command("replay", "Rebuild the billing ledger from the raw events: one row per money movement, then a summary per wallet and per day.")
        {
            from, to, wallet, session, format, summary, stats,
        };
        command.SetAction(async (r, ct) =>
        {
            await using var db = AuditDatabase.Open(r.GetValue(connection)!);
            var filter = new ReplayFilter(r.GetValue(from), r.GetValue(to), r.GetValue(wallet), r.GetValue(session));
            var clock = Stopwatch.StartNew();
            var total = await LedgerReplay.CountAsync(db, ct);
            await using var output = ILedgerOutput.For(r.GetValue(format)!, stdout, r.GetValue(summary));
            var read = 0L;
            var ledger = new LedgerSummary();
            await ReplayProgress.RunAsync(ReplayProgress.Wanted(r.GetValue(progress)!, total), "replaying billing events", total, async tick =>
            {
                await foreach (var row in LedgerReplay.RowsAsync(db, filter, n => tick(read = n), ct))
                {
                    output.Row(row);
                    ledger.Add(row);
                }
                return 0;
            });
            output.Summary(ledger);
            if (r.GetValue(stats)) Stats.Print("replay", read, clock.Elapsed);
            return 0;
        });
        return command;
    }
}

internal static class Stats
{
    public static void Print(string pass, long events, TimeSpan elapsed)
    {
        using var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime.TotalSeconds;
        Console.Error.WriteLine(
            $"{pass}: {events:N0} billing events in {elapsed.TotalSeconds:0.00} s = {events / Math.Max(elapsed.TotalSeconds, 1e-9):N0} events/s; " +
            $"CPU {cpu:0.00} s (start-up included) = {events / Math.Max(cpu, 1e-9):N0} events per CPU second; " +
            $"peak working set {self.PeakWorkingSet64 / (1024.0 * 1024):0.0} MiB, GC heap now {GC.GetTotalMemory(false) / (1024.0 * 1024):0.0} MiB");
    }
}
