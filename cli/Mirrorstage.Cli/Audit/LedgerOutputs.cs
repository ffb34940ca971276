using System.Globalization;
using System.Text.Json;
using CsvHelper;
using Mirrorstage.Events.Billing;
using Spectre.Console;

namespace Mirrorstage.Cli.Audit;

/// <summary>Where replayed rows go, one at a time, and then the summary.</summary>
internal interface ILedgerOutput : IAsyncDisposable
{
    void Row(BillingLedger row);
    void Summary(LedgerSummary summary);

    static ILedgerOutput For(string format, TextWriter writer, bool summaryOnly) => format switch
    {
        "csv" => new CsvLedgerOutput(writer, summaryOnly),
        "json" => new JsonLedgerOutput(writer, summaryOnly),
        "table" => new TableLedgerOutput(writer, summaryOnly),
        _ => throw new ArgumentException($"unknown format {format}: use table, csv or json"),
    };
}

/// <summary>CSV: the rows (header first), or with --summary the summary as scope,key,totals.</summary>
internal sealed class CsvLedgerOutput(TextWriter writer, bool summaryOnly) : ILedgerOutput
{
    private readonly CsvWriter _csv = Start(CsvWriter.Create(writer, new CsvWriterOptions(), leaveOpen: true), summaryOnly);

    private static CsvWriter Start(CsvWriter csv, bool summaryOnly)
    {
        foreach (var name in summaryOnly ? ["scope", "key", .. LedgerColumns.Totals.Select(c => c.Name)] : LedgerColumns.All.Select(c => c.Name))
            csv.WriteField(name);
        csv.EndRecord();
        return csv;
    }

    public void Row(BillingLedger row)
    {
        if (summaryOnly) return;
        foreach (var column in LedgerColumns.All) _csv.WriteField(column.Value(row));
        _csv.EndRecord();
    }

    public void Summary(LedgerSummary summary)
    {
        if (!summaryOnly) return;
        foreach (var (scope, key, totals) in LedgerColumns.SummaryRows(summary))
        {
            _csv.WriteField(scope);
            _csv.WriteField(key);
            foreach (var column in LedgerColumns.Totals) _csv.WriteField(column.Value(totals).ToString(CultureInfo.InvariantCulture));
            _csv.EndRecord();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _csv.FlushAsync(CancellationToken.None);
        await _csv.DisposeAsync();
    }
}

/// <summary>JSON: {sign_convention, rows: [...], summary: {...}}, written as it goes.</summary>
internal sealed class JsonLedgerOutput : ILedgerOutput
{
    private readonly TextWriter _text;
    private readonly MemoryStream _buffer = new();
    private readonly Utf8JsonWriter _json;
    private readonly bool _summaryOnly;

    public JsonLedgerOutput(TextWriter text, bool summaryOnly)
    {
        (_text, _summaryOnly) = (text, summaryOnly);
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { Indented = false });
        _json.WriteStartObject();
        _json.WriteString("sign_convention", LedgerColumns.SignConvention);
        _json.WriteStartArray("rows");
    }

    public void Row(BillingLedger row)
    {
        if (_summaryOnly) return;
        _json.WriteStartObject();
        foreach (var (name, value) in LedgerColumns.All)
        {
            if (name is "sequence") _json.WriteNumber(name, row.Sequence);
            else if (name is "amount_atomic") _json.WriteNumber(name, row.AmountAtomic);
            else _json.WriteString(name, value(row));
        }
        _json.WriteEndObject();
        if (_json.BytesPending + _buffer.Length > 64 * 1024) Drain();
    }

    public void Summary(LedgerSummary summary)
    {
        _json.WriteEndArray();
        _json.WriteStartArray("summary");
        foreach (var (scope, key, totals) in LedgerColumns.SummaryRows(summary))
        {
            _json.WriteStartObject();
            _json.WriteString("scope", scope);
            _json.WriteString("key", key);
            foreach (var (name, value) in LedgerColumns.Totals) _json.WriteNumber(name, value(totals));
            _json.WriteEndObject();
        }
        _json.WriteEndArray();
        _json.WriteEndObject();
    }

    private void Drain()
    {
        _json.Flush();
        _text.Write(System.Text.Encoding.UTF8.GetString(_buffer.GetBuffer(), 0, (int)_buffer.Length));
        _buffer.SetLength(0);
    }

    public async ValueTask DisposeAsync()
    {
        Drain();
        await _text.WriteLineAsync();
        await _text.FlushAsync();
        await _json.DisposeAsync();
    }
}

/// <summary>For reading on a terminal: one line per row as it comes, then the summary as tables.</summary>
internal sealed class TableLedgerOutput(TextWriter writer, bool summaryOnly) : ILedgerOutput
{
    private const string Line = "{0,9} {1,-27} {2,-14} {3,14} {4,-14} {5,-44} {6,-44} {7,-36} {8}";
    private bool _headed;

    public void Row(BillingLedger r)
    {
        if (summaryOnly) return;
        if (!_headed) writer.WriteLine(Line, "sequence", "occurred_at", "kind", "amount_atomic", "network", "payer", "pay_to", "session_id", "transaction / reason");
        _headed = true;
        writer.WriteLine(Line, r.Sequence, LedgerColumns.Timestamp(r.OccurredAt), r.Kind, r.AmountAtomic, r.Network ?? "-",
            r.Payer ?? r.Wallet, r.PayTo ?? "-", r.SessionId ?? "-", r.Transaction is { } tx ? $"{tx} ({r.Reason})" : r.Reason);
    }

    public void Summary(LedgerSummary summary)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No });
        console.Profile.Width = 160;
        console.WriteLine();
        console.WriteLine(LedgerColumns.SignConvention);
        foreach (var scope in new[] { "wallet", "day", "all" })
        {
            var table = new Table().Title(scope is "all" ? "overall" : $"per {scope}").AddColumn(scope is "all" ? "" : scope);
            foreach (var (name, _) in LedgerColumns.Totals) table.AddColumn(new TableColumn(name).RightAligned());
            foreach (var (s, key, totals) in LedgerColumns.SummaryRows(summary).Where(x => x.Scope == scope))
                table.AddRow([key, .. LedgerColumns.Totals.Select(c => c.Value(totals).ToString("N0", CultureInfo.InvariantCulture))]);
            console.Write(table);
        }
    }

    public ValueTask DisposeAsync() => new(writer.FlushAsync());
}
