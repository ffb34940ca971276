namespace Mirrorstage.X402.Evm;

/// <summary>Held from reading a relayer's next nonce to handing its transaction to the node, across every
/// gateway process that shares the relayer key: two processes must never sign two transactions with one nonce.</summary>
public interface IRelayerNonceLock
{
    Task<IAsyncDisposable> AcquireAsync(string relayerAddress, CancellationToken ct);
}
