using System.Numerics;
using System.Text.Json.Nodes;
using Mirrorstage.X402.Models;
using Nethereum.ABI.EIP712;
using Nethereum.ABI.FunctionEncoding.Attributes;
using Nethereum.Signer;
using Nethereum.Signer.EIP712;

namespace Mirrorstage.X402.Tests.Support;

/// <summary>EIP-3009 authorizations signed by Nethereum's EIP-712 signer over exactly the fields a test gives, so
/// a test can break one rule (recipient, amount, window...) while the signature stays valid.</summary>
public static class EvmPayments
{
    public const string PayerKey = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
    public const string Payer = "0xf39fd6e51aad88f6f4ce6ab8827279cfffb92266";
    public const string OtherKey = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

    public static readonly PaymentRequirements Requirement = new("exact", "eip155:31337", "1000000",
        "0x5FbDB2315678afecb367f032d93F642f64180aa3", "0x90F79bf6EB2c4f870365E785982E1f101E93b906", 300,
        new JsonObject { ["name"] = "Mirror USD", ["version"] = "2" });

    [Struct("TransferWithAuthorization")]
    public sealed class TransferWithAuthorization
    {
        [Parameter("address", "from", 1)] public string From { get; set; } = "";
        [Parameter("address", "to", 2)] public string To { get; set; } = "";
        [Parameter("uint256", "value", 3)] public BigInteger Value { get; set; }
        [Parameter("uint256", "validAfter", 4)] public BigInteger ValidAfter { get; set; }
        [Parameter("uint256", "validBefore", 5)] public BigInteger ValidBefore { get; set; }
        [Parameter("bytes32", "nonce", 6)] public byte[] Nonce { get; set; } = [];
    }

    public sealed record Auth
    {
        public string To { get; init; } = Requirement.PayTo;
        public BigInteger Value { get; init; } = 1_000_000;
        public BigInteger ValidAfter { get; init; } = 0;
        public BigInteger ValidBefore { get; init; } = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 300;
        public byte[] Nonce { get; init; } = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32);
        public string SignerKey { get; init; } = PayerKey;
        public BigInteger ChainId { get; init; } = 31337;
        public string DomainName { get; init; } = "Mirror USD";
    }

    public static JsonObject PayloadJson(Auth a)
    {
        var message = new TransferWithAuthorization { From = Payer, To = a.To, Value = a.Value, ValidAfter = a.ValidAfter, ValidBefore = a.ValidBefore, Nonce = a.Nonce };
        var typed = new TypedData<Domain>
        {
            Domain = new Domain { Name = a.DomainName, Version = "2", ChainId = a.ChainId, VerifyingContract = Requirement.Asset },
            Types = MemberDescriptionFactory.GetTypesMemberDescription(typeof(Domain), typeof(TransferWithAuthorization)),
            PrimaryType = "TransferWithAuthorization",
        };
        var signature = new Eip712TypedDataSigner().SignTypedDataV4(message, typed, new EthECKey(a.SignerKey));
        return new JsonObject
        {
            ["signature"] = signature,
            ["authorization"] = new JsonObject
            {
                ["from"] = Payer, ["to"] = a.To, ["value"] = a.Value.ToString(), ["validAfter"] = a.ValidAfter.ToString(),
                ["validBefore"] = a.ValidBefore.ToString(), ["nonce"] = "0x" + Convert.ToHexStringLower(a.Nonce),
            },
        };
    }

    public static PaymentPayload Signed(Auth? a = null, PaymentRequirements? accepted = null) =>
        new(2, accepted ?? Requirement, PayloadJson(a ?? new Auth()));
}
