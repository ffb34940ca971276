using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Mirrorstage.Events.Payments;
using Mirrorstage.Events.Sessions;

namespace Mirrorstage.Functions.Payments;

/// <summary>One settled payment not yet known to be in the store: the claim (payload and order) and the settlement.</summary>
public sealed record JournalEntry(PaymentClaim Claim, SettledPayment Payment, string? SettleResponse, DateTimeOffset WrittenAt);

/// <summary>A durable local journal of settlements: written and fsync'd before the store is asked to record them,
/// removed once it has. When the store is down after money moved, the settlement survives here (and a crash of
/// the gateway) until <see cref="PaymentJournalReplayer"/> records it. Keep the folder on a durable volume.</summary>
public sealed class PaymentJournal(IOptions<PaymentJournalOptions> options, ILogger<PaymentJournal> log)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private string Folder => Path.GetFullPath(options.Value.Folder);

    public Task WriteAsync(JournalEntry entry) =>
        WriteDurablyAsync(PathOf(entry.Claim.Id), file => JsonSerializer.SerializeAsync(file, entry, Json));

    /// <summary>Written beside, fsync'd, renamed into place, and the rename fsync'd.</summary>
    private async Task WriteDurablyAsync(string path, Func<Stream, Task> write)
    {
        Directory.CreateDirectory(Folder);
        var temp = path + ".tmp";
        await using (var file = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 4096, FileOptions.WriteThrough))
        {
            await write(file);
            await file.FlushAsync();
            file.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        SyncFolder();
    }

    /// <summary>Throws, naming the folder and the setting, unless an entry can be written, synced and removed
    /// there: a paying gateway must not find out only after money moved that it has nowhere to keep it.</summary>
    public async Task EnsureWritableAsync()
    {
        var probe = Path.Combine(Folder, "write-probe-" + Guid.NewGuid().ToString("N")); // not *.json: never replayed
        try
        {
            await WriteDurablyAsync(probe, file => file.WriteAsync("probe"u8.ToArray()).AsTask());
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"The payment journal folder {Folder} is not writable ({e.Message}). A paying gateway keeps settlements there " +
                $"until the store records them: set {PaymentJournalOptions.Section}:Folder to a durable, writable folder.", e);
        }
    }

    public void Remove(string paymentKey)
    {
        try
        {
            File.Delete(PathOf(paymentKey));
            SyncFolder();
        }
        catch (IOException e)
        {
            log.LogWarning(e, "Could not remove journal entry for {PaymentKey}; replaying it later is harmless", paymentKey);
        }
    }

    public IReadOnlyList<JournalEntry> ReadAll()
    {
        if (!Directory.Exists(Folder)) return [];
        var entries = new List<JournalEntry>();
        foreach (var path in Directory.EnumerateFiles(Folder, "*.json"))
        {
            try
            {
                if (JsonSerializer.Deserialize<JournalEntry>(File.ReadAllBytes(path), Json) is { } entry) entries.Add(entry);
            }
            catch (Exception e) when (e is JsonException or IOException)
            {
                log.LogError(e, "Unreadable payment journal entry {Path}; left in place for an operator", path);
            }
        }
        return entries;
    }

    private string PathOf(string paymentKey) =>
        Path.Combine(Folder, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(paymentKey))) + ".json");

    /// <summary>The rename itself must reach the disk, or a crash could forget the entry. .NET does not open
    /// directories, so the folder is fsync'd through libc.</summary>
    private void SyncFolder()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        var fd = Posix.open(Folder, 0);
        if (fd < 0) throw new IOException($"Could not open {Folder} to sync it.");
        try
        {
            if (Posix.fsync(fd) != 0) throw new IOException($"Could not sync {Folder}.");
        }
        finally
        {
            _ = Posix.close(fd);
        }
    }

    private static class Posix
    {
        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        public static extern int open([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, int flags);

        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        public static extern int fsync(int fd);

        [System.Runtime.InteropServices.DllImport("libc")]
        public static extern int close(int fd);
    }
}

public sealed class PaymentJournalOptions
{
    public const string Section = "Mirrorstage:Payments:Journal";
    public string Folder { get; set; } = "data/payment-journal";
    public int ReplaySeconds { get; set; } = 5;
}
