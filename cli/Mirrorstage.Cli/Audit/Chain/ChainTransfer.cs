using Mirrorstage.Events.Sessions;

namespace Mirrorstage.Cli.Audit.Chain;

/// <summary>What a chain says about one settlement's transaction: whether it exists, whether it succeeded, and
/// how much of the settlement's asset it moved from the payer to payTo (the payer's loss and payTo's gain).</summary>
internal sealed record ChainTransfer(bool Exists, bool Succeeded, System.Numerics.BigInteger PayerSent, System.Numerics.BigInteger PayToReceived)
{
    public static readonly ChainTransfer Missing = new(false, false, 0, 0);
}

/// <summary>Reads one network's transactions.</summary>
internal interface IChainReader
{
    Task<ChainTransfer> ReadAsync(PaymentSettled payment, CancellationToken ct);
}
