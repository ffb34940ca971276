using System.Numerics;
using Nethereum.ABI.EIP712;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Contracts;

namespace Mirrorstage.X402.Evm;

/// <summary>The EIP-712 message an EIP-3009 payer signs.</summary>
[Struct("TransferWithAuthorization")]
public sealed class TransferWithAuthorizationMessage
{
    [Parameter("address", "from", 1)] public string From { get; set; } = "";
    [Parameter("address", "to", 2)] public string To { get; set; } = "";
    [Parameter("uint256", "value", 3)] public BigInteger Value { get; set; }
    [Parameter("uint256", "validAfter", 4)] public BigInteger ValidAfter { get; set; }
    [Parameter("uint256", "validBefore", 5)] public BigInteger ValidBefore { get; set; }
    [Parameter("bytes32", "nonce", 6)] public byte[] Nonce { get; set; } = [];
}

/// <summary>transferWithAuthorization(address,address,uint256,uint256,uint256,bytes32,uint8,bytes32,bytes32).</summary>
[Function("transferWithAuthorization")]
public sealed class TransferWithAuthorizationFunction : FunctionMessage
{
    [Parameter("address", "from", 1)] public string From { get; set; } = "";
    [Parameter("address", "to", 2)] public string To { get; set; } = "";
    [Parameter("uint256", "value", 3)] public BigInteger Value { get; set; }
    [Parameter("uint256", "validAfter", 4)] public BigInteger ValidAfter { get; set; }
    [Parameter("uint256", "validBefore", 5)] public BigInteger ValidBefore { get; set; }
    [Parameter("bytes32", "nonce", 6)] public byte[] AuthorizationNonce { get; set; } = [];
    [Parameter("uint8", "v", 7)] public byte V { get; set; }
    [Parameter("bytes32", "r", 8)] public byte[] R { get; set; } = [];
    [Parameter("bytes32", "s", 9)] public byte[] S { get; set; } = [];
}

[Function("balanceOf", "uint256")]
public sealed class BalanceOfFunction : FunctionMessage
{
    [Parameter("address", "account", 1)] public string Account { get; set; } = "";
}

[Function("authorizationState", "bool")]
public sealed class AuthorizationStateFunction : FunctionMessage
{
    [Parameter("address", "authorizer", 1)] public string Authorizer { get; set; } = "";
    [Parameter("bytes32", "nonce", 2)] public byte[] AuthorizationNonce { get; set; } = [];
}

/// <summary>The EIP-712 domain of an EIP-3009 token: name, version, chain id and the token's address.</summary>
public static class Erc3009Domain
{
    public static TypedData<Domain> For(string name, string version, BigInteger chainId, byte[] verifyingContract) => new()
    {
        Domain = new Domain { Name = name, Version = version, ChainId = chainId, VerifyingContract = Hex.Encode(verifyingContract) },
        Types = MemberDescriptionFactory.GetTypesMemberDescription(typeof(Domain), typeof(TransferWithAuthorizationMessage)),
        PrimaryType = "TransferWithAuthorization",
    };
}
