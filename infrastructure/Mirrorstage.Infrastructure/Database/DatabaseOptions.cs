namespace Mirrorstage.Infrastructure.Database;

/// <summary>How gateway and worker sign in to the event store's PostgreSQL, bound from "Mirrorstage:Database".</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Mirrorstage:Database";

    /// <summary>"password" (default): whatever ConnectionStrings:Marten carries. "entra": no password anywhere; an
    /// Entra token for the managed identity (AZURE_CLIENT_ID) is the password, refreshed before it expires
    /// (Azure Database for PostgreSQL with Entra authentication; the user name is the identity's name).</summary>
    public string Authentication { get; set; } = "password";

    /// <summary>The scope Entra tokens for Azure Database for PostgreSQL are issued for.</summary>
    public string TokenScope { get; set; } = "https://ossrdbms-aad.database.windows.net/.default";

    public string? Problem() => Authentication is "password" or "entra" ? null
        : $"Mirrorstage:Database:Authentication must be password or entra, not '{Authentication}'.";
}
