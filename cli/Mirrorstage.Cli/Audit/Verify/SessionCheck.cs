using System.Runtime.CompilerServices;
using Mirrorstage.Events.Billing;
using Mirrorstage.Events.Sessions;
using Mirrorstage.Events.Wallets;

namespace Mirrorstage.Cli.Audit.Verify;

/// <summary>Each session's money against its usage: what it was priced (creation and extensions) against what was
/// paid (settled and credits), the credits the session recorded against those its wallet spent, what was refunded
/// against what the refund rules give from the session's own facts, and the stored SessionView against all of it.
/// Money that bought nothing is on the wallet's stream (its settlement and the credit it became, under the order's
/// session id): it must be that credit; a settlement with neither a session nor a credit is a difference.</summary>
internal static class SessionCheck
{
    public const string Name = "sessions";

    private sealed record Facts(Session State, long Priced, long Settled, long Credits, SessionEnded? Ended);

    /// <summary>A stream's facts; Session null for a stream (not a wallet's) that took money without a SessionCreated.</summary>
    private sealed record StreamFacts(Facts? Session, long Settled);

    private sealed record WalletSide(long CreditSpent, long Refunded, IReadOnlyList<string> UncreditedSettlements);

    public static async IAsyncEnumerable<Difference> RunAsync(AuditDatabase db, [EnumeratorCancellation] CancellationToken ct)
    {
        var s = AuditDatabase.Schema;
        var walletTypes = new[] { typeof(CreditGranted), typeof(CreditSpent) };
        var sessionEvents = RawEvent.ReadAsync(db.Source, $"""
            SELECT {RawEvent.Columns} FROM {s}.mt_events WHERE type = ANY(@types) AND NOT starts_with(stream_id, @wallets)
            ORDER BY stream_id COLLATE "C", version
            """, p =>
            {
                p.AddWithValue("types", db.Aliases(BillingEvents.All.Except(walletTypes)));
                p.AddWithValue("wallets", WalletAddress.StreamPrefix);
            }, ct);
        var sessionId = db.JsonName(nameof(CreditSpent.SessionId));
        var walletEvents = RawEvent.RowsAsync(db.Source, $"""
            SELECT {RawEvent.Columns}, data ->> '{sessionId}' FROM {s}.mt_events
            WHERE (type = ANY(@types) OR (type = @settled AND starts_with(stream_id, @wallets))) AND data ->> '{sessionId}' IS NOT NULL
            ORDER BY data ->> '{sessionId}' COLLATE "C", seq_id
            """, p =>
            {
                p.AddWithValue("types", db.Aliases(walletTypes));
                p.AddWithValue("settled", db.Alias(typeof(PaymentSettled)));
                p.AddWithValue("wallets", WalletAddress.StreamPrefix);
            }, r => (Event: RawEvent.From(r), Session: r.GetString(RawEvent.ColumnCount)), ct);
        var views = RawEvent.RowsAsync(db.Source, $"SELECT id, data::text FROM {s}.mt_doc_sessionview ORDER BY id COLLATE \"C\"", null,
            r => (r.GetString(0), db.Document<SessionView>(r.GetString(1))), ct);

        var facts = FactsOf(db, SortedMerge.GroupAsync(sessionEvents, e => e.StreamId, ct), ct);
        var wallets = WalletSideOf(db, SortedMerge.GroupAsync(walletEvents, w => w.Session, ct), ct);
        var joined = SortedMerge.JoinAsync(SortedMerge.JoinAsync(facts, wallets, ct).Select(j => (j.Key, new Pair(j.A, j.B))), views, ct);
        await foreach (var (id, pair, view) in joined)
            foreach (var problem in Check(pair?.Facts, pair?.Wallet, view))
                yield return new Difference(Name, "session " + id, problem);
    }

    private sealed record Pair(StreamFacts? Facts, WalletSide? Wallet);

    private static IEnumerable<string> Check(StreamFacts? stream, WalletSide? w, SessionView? view)
    {
        foreach (var uncredited in w?.UncreditedSettlements ?? []) yield return uncredited;
        if (stream is { Session: null })
        {
            yield return $"settled {stream.Settled} on a stream that has no SessionCreated: the money paid for no session and is no credit";
            yield break;
        }
        var f = stream?.Session;
        if (f is null)
        {
            if (view is not null) yield return "a stored SessionView without any billing event: its events were deleted";
            if (w is { CreditSpent: > 0 } or { Refunded: > 0 }) yield return $"its wallet spent {w.CreditSpent} and was refunded {w.Refunded} for a session that has no events";
            yield break;
        }
        var (spentByWallet, refunded) = (w?.CreditSpent ?? 0, w?.Refunded ?? 0);
        if (f.Settled + f.Credits != f.Priced)
            yield return $"priced {f.Priced} (creation and extensions) but paid {f.Settled + f.Credits} ({f.Settled} settled, {f.Credits} in credits)";
        if (spentByWallet != f.Credits)
            yield return $"the session records {f.Credits} paid in credits, its wallet {spentByWallet} spent for it";
        var rule = ExpectedRefund(f);
        if (refunded != rule.Amount)
            yield return $"refunded {refunded}; {rule.Why} gives {rule.Amount}";
        if (view is null)
        {
            yield return "no stored SessionView";
            yield break;
        }
        if ((view.PaidAtomic, view.CreditsAtomic) != (f.Settled, f.Credits))
            yield return $"stored SessionView says {view.PaidAtomic} settled and {view.CreditsAtomic} in credits; the events say {f.Settled} and {f.Credits}";
        if (view.Status != f.State.Status)
            yield return $"stored SessionView is {view.Status}, the events say {f.State.Status}";
        if (f.Ended is { } ended && view.GpuSecondsUsed != ended.GpuSecondsUsed)
            yield return $"stored SessionView used {view.GpuSecondsUsed} GPU seconds, SessionEnded says {ended.GpuSecondsUsed}";
    }

    /// <summary>The refund rules, applied to the session's own facts (SessionDecider holds them).</summary>
    private static (long Amount, string Why) ExpectedRefund(Facts f) => f switch
    {
        { State.Wallet: null } => (0, "a session without a wallet"),
        { Ended.Reason: "worker_lost" } => (SessionDecider.RefundOnWorkerLost(f.State),
            $"the worker-lost rule (paid {f.State.PaidAtomic} for {f.State.DurationMinutes - f.State.FreeMinutes} paid of {f.State.DurationMinutes} minutes, " +
            $"{Math.Max(0, (f.State.ExpiresAt - f.State.InterruptedAt)?.TotalSeconds ?? 0):0} s left when lost; the {f.State.FreeMinutes} free minutes count as used first)"),
        { State.Status: SessionStatus.Failed, State.EndedAt: { } failedAt } => (SessionDecider.RefundOnFailure(f.State, failedAt),
            f.State.StartedAt is null ? "the failure rule (never live: everything paid back)"
                : $"the failure rule (failed after going live: the paid share of the {Math.Max(0, (f.State.ExpiresAt - failedAt)?.TotalSeconds ?? 0):0} s left; the {f.State.FreeMinutes} free minutes count as used first)"),
        _ => (0, $"a session that {f.State.Status.ToString().ToLowerInvariant()} normally"),
    };

    private static async IAsyncEnumerable<(string, StreamFacts)> FactsOf(AuditDatabase db, IAsyncEnumerable<(string Key, List<RawEvent> Items)> streams,
        [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var (stream, items) in streams.WithCancellation(ct))
        {
            var data = items.Select(db.Deserialize).ToList();
            if (data.FirstOrDefault() is not SessionCreated created)
            {
                // Wallet streams are read on the wallet side; any other stream that took money must be a session.
                if (data.OfType<PaymentSettled>().Sum(e => e.AmountAtomic) is > 0 and var settled) yield return (stream, new StreamFacts(null, settled));
                continue;
            }
            var state = data.Skip(1).Aggregate(Session.Create(created), Session.When);
            yield return (stream, new StreamFacts(new Facts(state,
                created.PriceAtomic + data.OfType<SessionExtended>().Sum(e => e.PriceAtomic),
                data.OfType<PaymentSettled>().Sum(e => e.AmountAtomic),
                data.OfType<CreditsSpent>().Sum(e => e.AmountAtomic),
                data.OfType<SessionEnded>().LastOrDefault()), 0));
        }
    }

    private static async IAsyncEnumerable<(string, WalletSide)> WalletSideOf(AuditDatabase db,
        IAsyncEnumerable<(string Key, List<(RawEvent Event, string Session)> Items)> sessions, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var (session, items) in sessions.WithCancellation(ct))
        {
            var events = items.Select(i => (i.Event, Data: db.Deserialize(i.Event))).ToList();
            var rows = events.Select(e => LedgerRows.For(e.Data, e.Event.Id, e.Event.Seq)!).ToList();
            yield return (session, new WalletSide(
                rows.Where(r => r.Kind == LedgerKinds.CreditSpent).Sum(r => r.AmountAtomic),
                -rows.Where(r => r.Kind == LedgerKinds.Refund).Sum(r => r.AmountAtomic),
                [.. CreditedSettlements.Unmatched(events)]));
        }
    }
}
