using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Mirrorstage.Functions.Tests.Support;

namespace Mirrorstage.Functions.Tests.Security;

/// <summary>A paying gateway starts only with an explicit token secret of at least 32 random bytes.</summary>
[Collection(GatewayCollection.Name)]
public class TokenSecretTests
{
    private static string Refusal(string? secret, string? secretFile = null)
    {
        var settings = new Dictionary<string, string?>(PaidGateway.Settings) { ["Mirrorstage:Gateway:TokenSecret"] = secret };
        if (secretFile is not null) settings["Mirrorstage:Gateway:TokenSecretFile"] = secretFile;
        var e = StartupRefusal.OfAsync(settings).GetAwaiter().GetResult();
        var validation = StartupRefusal.Validation(e);
        Assert.True(validation is not null, e.ToString());
        return string.Join(" ", validation.Failures);
    }

    [Fact]
    public void Without_a_secret_a_paying_gateway_does_not_start_and_makes_no_per_instance_file()
    {
        var file = Path.Combine(Path.GetTempPath(), "ms-secret-" + Guid.NewGuid().ToString("N"));
        Assert.Contains("needs it set explicitly", Refusal("", file));
        Assert.False(File.Exists(file));
    }

    [Fact]
    public void The_sample_placeholder_is_refused()
    {
        var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(TestEnvironment.RepoRoot, "local.settings.sample.json")))!;
        var placeholder = sample["Values"]!["Mirrorstage__Gateway__TokenSecret"]!.GetValue<string>();
        Assert.Contains("sample placeholder", Refusal(placeholder));
    }

    [Theory]
    [InlineData("test-secret-test-secret-test-secret-0123456789")] // 46 characters: long enough for a length rule
    [InlineData("0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("correct horse battery staple correct horse battery staple")]
    public void A_secret_that_is_not_32_random_bytes_is_refused(string secret) =>
        Assert.Contains("at least 32 random bytes", Refusal(secret));

    [Fact]
    public void Thirty_one_random_bytes_are_too_few() =>
        Assert.Contains("decodes to 31 bytes", Refusal(Convert.ToBase64String(RandomNumberGenerator.GetBytes(31))));

    [Theory]
    [InlineData("base64")]
    [InlineData("base64url")]
    [InlineData("hex")]
    public void Thirty_two_random_bytes_pass_in_each_spelling(string spelling)
    {
        var bytes = RandomNumberGenerator.GetBytes(32);
        var secret = spelling switch
        {
            "hex" => Convert.ToHexString(bytes),
            "base64url" => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_'),
            _ => Convert.ToBase64String(bytes),
        };
        Assert.Null(TokenSecret.Problem(secret, paid: true));
    }

    [Fact]
    public async Task Without_payments_a_missing_secret_still_becomes_a_local_file()
    {
        var file = Path.Combine(Path.GetTempPath(), "ms-secret-" + Guid.NewGuid().ToString("N"));
        using var gateway = new GatewayFactory(new Dictionary<string, string?>
        {
            ["Mirrorstage:Gateway:TokenSecret"] = "",
            ["Mirrorstage:Gateway:TokenSecretFile"] = file,
        });
        Assert.Equal(200, (int)(await gateway.CreateClient().GetAsync("/health")).StatusCode);
        Assert.True(File.Exists(file));
    }
}
