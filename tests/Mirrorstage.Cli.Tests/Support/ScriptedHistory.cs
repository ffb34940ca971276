using Marten;
using Mirrorstage.Events.Billing;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Events.Wallets;

namespace Mirrorstage.Cli.Tests.Support;

/// <summary>A billing history made the way the gateway and the worker make it: commands through the pure
/// deciders, appended with Marten, failures and losses through SessionFailures. Prices: $0.10 a minute, the
/// first 5 minutes free, so 15 minutes cost 1,000,000 atomic units and 10 more minutes 1,000,000.</summary>
public sealed class ScriptedHistory(IDocumentStore store)
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 30, 23, 0, 0, TimeSpan.Zero);
    public const string A = "0x00000000000000000000000000000000000000a1";
    public const string B = "0x00000000000000000000000000000000000000b2";
    public const string Base = "eip155:8453";
    public const string Usdc = "0x833589fcd6edb6e08f4c7c32d4f71b54bda02913";
    public const string PayTo = "0x00000000000000000000000000000000000000f0";
    private static readonly ReferenceImage Face = new("references/a.png", "crops/a-512.png", 512);

    /// <summary>Builds the whole history; the expected ledger is in <see cref="ExpectedRows"/>.</summary>
    public async Task WriteAsync()
    {
        // s1: paid by A, goes live, extended by 10 paid minutes, ended by its client.
        await CreateAsync("s1", A, Pay(A, "0x01", 1_000_000), 0, T0);
        await DecideAsync("s1", s => SessionDecider.Decide(s, new ClaimSession("w1", T0.AddSeconds(5))));
        await DecideAsync("s1", s => SessionDecider.Decide(s, new ActivateSession("w1", T0.AddSeconds(10))));
        await DecideAsync("s1", s => SessionDecider.Decide(s, new ExtendSession(10, 1_000_000, A, Pay(A, "0x02", 1_000_000), T0.AddMinutes(3))));
        await DecideAsync("s1", s => SessionDecider.Decide(s, new EndSession("client", "ended_by_client", T0.AddMinutes(20))));

        // s2: paid by A, no worker could serve it: failed before live, refunded in full as credit.
        await CreateAsync("s2", A, Pay(A, "0x03", 1_000_000), 0, T0.AddMinutes(30));
        await SessionFailures.FailAsync(store, "s2", "reference_unavailable", T0.AddMinutes(31), CancellationToken.None);

        // s3: paid by A with that credit (the day after), live, ended.
        await CreateAsync("s3", A, null, 1_000_000, T0.AddHours(2));
        await DecideAsync("s3", s => SessionDecider.Decide(s, new ClaimSession("w1", T0.AddHours(2).AddSeconds(5))));
        await DecideAsync("s3", s => SessionDecider.Decide(s, new ActivateSession("w1", T0.AddHours(2).AddSeconds(10))));
        await DecideAsync("s3", s => SessionDecider.Decide(s, new EndSession("client", "ended_by_client", T0.AddHours(2).AddMinutes(9))));

        // s4: paid by B, its worker was lost 8 minutes in (5 free + 3 paid used) and nobody resumed it:
        // the 7 paid minutes left of 10 come back, 700,000.
        var live = T0.AddHours(3);
        await CreateAsync("s4", B, Pay(B, "0x04", 1_000_000), 0, live.AddSeconds(-10));
        await DecideAsync("s4", s => SessionDecider.Decide(s, new ClaimSession("w2", live.AddSeconds(-5))));
        await DecideAsync("s4", s => SessionDecider.Decide(s, new ActivateSession("w2", live)));
        await DecideAsync("s4", s => SessionDecider.Decide(s, new InterruptSession("w2", live.AddMinutes(8))));
        await SessionFailures.AbandonLostAsync(store, "s4", live.AddMinutes(30), CancellationToken.None);

        // B's payment for a fifth session settled but the session could not be recorded: the settlement and the
        // credit it became, on B's wallet stream (s5 never exists).
        await using var session = store.LightweightSession();
        await WalletStreams.AppendAsync(session, B, WalletDecider.CreditSettlement(B, Pay(B, "0x05", 500_000), "create", "s5", "settled_but_not_recorded", T0.AddHours(4)),
            CancellationToken.None);
        await session.SaveChangesAsync();
    }

    /// <summary>(kind, amount, wallet, session, transaction, reason) in append order.</summary>
    public static (string, long, string, string, string?, string)[] ExpectedRows =>
    [
        (LedgerKinds.Settlement, 1_000_000, A, "s1", "0x01", "create"),
        (LedgerKinds.Settlement, 1_000_000, A, "s1", "0x02", "extend"),
        (LedgerKinds.Settlement, 1_000_000, A, "s2", "0x03", "create"),
        (LedgerKinds.Refund, -1_000_000, A, "s2", null, "session_failed_before_live"),
        (LedgerKinds.CreditSpent, 1_000_000, A, "s3", null, "create"),
        (LedgerKinds.Settlement, 1_000_000, B, "s4", "0x04", "create"),
        (LedgerKinds.Refund, -700_000, B, "s4", null, "session_worker_lost"),
        (LedgerKinds.Settlement, 500_000, B, "s5", "0x05", "create"),
        (LedgerKinds.CreditGranted, -500_000, B, "s5", null, "settled_but_not_recorded"),
    ];

    private static SettledPayment Pay(string payer, string tx, long amount) => new(Base, payer, Usdc, amount, tx, "key-" + tx, PayTo);

    private async Task CreateAsync(string id, string wallet, SettledPayment? payment, long credits, DateTimeOffset at)
    {
        await using var session = store.LightweightSession();
        session.Events.StartStream<Session>(id, SessionDecider.Decide(new CreateSession(
            id, "th-" + id, "sh-" + id, Face, "hls", null, 15, 1_000_000, wallet, payment, credits, at, FreeMinutes: 5)));
        if (credits > 0)
        {
            var stream = await session.Events.FetchForWriting<Wallet>(WalletAddress.StreamKey(wallet));
            stream.AppendMany(WalletDecider.Spend(stream.Aggregate, wallet, credits, id, "create", at));
        }
        await session.SaveChangesAsync();
    }

    private async Task DecideAsync(string id, Func<Session, object[]> decide)
    {
        await using var session = store.LightweightSession();
        var stream = await session.Events.FetchForWriting<Session>(id);
        stream.AppendMany(decide(stream.Aggregate!));
        await session.SaveChangesAsync();
    }
}
