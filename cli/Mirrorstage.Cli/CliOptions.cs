namespace Mirrorstage.Cli;

public sealed record CliOptions(string Url, string Face, int Seconds, int Concurrency, int Creates)
{
    public static CliOptions Parse(string[] args)
    {
        string Get(string name, string fallback)
        {
            var i = Array.IndexOf(args, "--" + name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }

        return new CliOptions(
            Get("url", Environment.GetEnvironmentVariable("MIRRORSTAGE_URL") ?? "http://127.0.0.1:5080").TrimEnd('/'),
            Get("face", FindFixture()),
            int.Parse(Get("seconds", "10")),
            int.Parse(Get("concurrency", "32")),
            int.Parse(Get("creates", "200")));
    }

    private static string FindFixture()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !Directory.Exists(Path.Combine(dir.FullName, "shared", "fixtures"))) dir = dir.Parent;
        return dir is null ? "face.png" : Path.Combine(dir.FullName, "shared", "fixtures", "faces", "astronaut.png");
    }
}
