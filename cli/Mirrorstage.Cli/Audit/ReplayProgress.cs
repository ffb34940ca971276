using Spectre.Console;

namespace Mirrorstage.Cli.Audit;

/// <summary>A progress bar on standard error for long passes over the events, so it never mixes with the
/// output. "auto" shows it when standard error is a terminal and the pass is long.</summary>
internal static class ReplayProgress
{
    public const long LongPass = 50_000;

    public static bool Wanted(string mode, long total) => mode switch
    {
        "always" => true,
        "never" => false,
        _ => !Console.IsErrorRedirected && total >= LongPass,
    };

    public static async Task<T> RunAsync<T>(bool show, string label, long total, Func<Action<long>, Task<T>> work)
    {
        if (!show) return await work(_ => { });
        // Standard output is usually redirected to the report; the bar's terminal is standard error's.
        var terminal = !Console.IsErrorRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Error),
            Interactive = terminal ? InteractionSupport.Yes : InteractionSupport.No,
            Ansi = terminal ? AnsiSupport.Yes : AnsiSupport.No,
        });
        return await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(),
                new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask(label, maxValue: Math.Max(1, total));
                var result = await work(n => task.Value = n);
                task.Value = task.MaxValue;
                return result;
            });
    }
}
