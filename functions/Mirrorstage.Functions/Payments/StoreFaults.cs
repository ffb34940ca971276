using System.Net.Sockets;
using Npgsql;

namespace Mirrorstage.Functions.Payments;

/// <summary>Tells "the store is unreachable" (keep the settlement in the journal and try again later) from
/// "the store refused this write" (the order cannot be recorded: keep the money as credit).</summary>
public static class StoreFaults
{
    public static bool IsUnreachable(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case PostgresException pg:
                    return pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal);
                case NpgsqlException or SocketException or TimeoutException or System.IO.IOException:
                    return true;
            }
        }
        return false;
    }
}
