using System.CommandLine;

namespace Mirrorstage.Cli.Audit;

/// <summary><c>mirrorstage audit replay | verify | verify-chain</c> (README: "For auditors").</summary>
internal static class AuditCommand
{
    public static async Task<int> RunAsync(string[] args)
    {
        await using var stdout = new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false), 1 << 16);
        return await Build(stdout).Parse(args).InvokeAsync();
    }

    /// <param name="output">Where reports go (standard output, buffered); progress and errors go to standard error.</param>
    public static RootCommand Build(TextWriter output)
    {
        var connection = new Option<string>("--connection")
        {
            Description = "PostgreSQL connection string of the event store (default: $ConnectionStrings__Marten)",
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable("ConnectionStrings__Marten") ?? "",
            Recursive = true,
        };
        connection.Validators.Add(r =>
        {
            if (string.IsNullOrWhiteSpace(r.GetValueOrDefault<string>()))
                r.AddError("Give the event store with --connection or ConnectionStrings__Marten.");
        });
        var progress = new Option<string>("--progress")
        {
            Description = "progress bar on standard error: auto (a terminal, 50,000 events or more), always, never",
            DefaultValueFactory = _ => "auto",
            Recursive = true,
        };
        progress.AcceptOnlyFromAmong("auto", "always", "never");
        return new RootCommand("mirrorstage audit: replay the billing events and prove the books")
        {
            connection, progress,
            ReplayCommand.Create(connection, progress, output),
            VerifyCommand.Create(connection, progress, output),
            VerifyChainCommand.Create(connection, progress, output),
            Bench.GenerateCommand.Create(connection, output),
        };
    }
}
