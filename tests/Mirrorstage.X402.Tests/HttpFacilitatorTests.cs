using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Mirrorstage.X402.Facilitators;
using Mirrorstage.X402.Models;

namespace Mirrorstage.X402.Tests;

/// <summary>The facilitator client speaks the standard API: what it sends, and how it reads each kind of answer.</summary>
public class HttpFacilitatorTests
{
    private sealed class Recorder(HttpStatusCode status, string body) : HttpMessageHandler
    {
        public List<(string Method, string Path, JsonNode? Body)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var text = request.Content is null ? null : await request.Content.ReadAsStringAsync(ct);
            Requests.Add((request.Method.Method, request.RequestUri!.AbsolutePath, text is null ? null : JsonNode.Parse(text)));
            return new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        }
    }

    private static readonly PaymentRequirements Requirement = new("exact", "eip155:84532", "1000000",
        "0x036CbD53842c5426634e7929541eC2318f3dCF7e", "0x000000000000000000000000000000000000dEaD", 300,
        new JsonObject { ["name"] = "USDC", ["version"] = "2" });

    private static readonly PaymentPayload Payload = new(2, Requirement, new JsonObject { ["signature"] = "0x01" });

    private static (HttpFacilitator, Recorder) Make(HttpStatusCode status, string body)
    {
        var recorder = new Recorder(status, body);
        return (new HttpFacilitator(new HttpClient(recorder) { BaseAddress = new Uri("https://facilitator.test/x402/") }), recorder);
    }

    [Fact]
    public async Task Verify_posts_the_standard_body_and_reads_the_answer()
    {
        var (facilitator, recorder) = Make(HttpStatusCode.OK, """{"isValid":true,"payer":"0xabc"}""");
        var answer = await facilitator.VerifyAsync(Payload, Requirement, default);

        Assert.True(answer.IsValid);
        Assert.Equal("0xabc", answer.Payer);
        var (method, path, body) = Assert.Single(recorder.Requests);
        Assert.Equal(("POST", "/x402/verify"), (method, path));
        Assert.Equal(2, body!["x402Version"]!.GetValue<int>());
        Assert.Equal("1000000", body["paymentRequirements"]!["amount"]!.GetValue<string>());
        Assert.Equal("eip155:84532", body["paymentPayload"]!["accepted"]!["network"]!.GetValue<string>());
        Assert.Equal("0x01", body["paymentPayload"]!["payload"]!["signature"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_settlement_refused_with_200_is_read_as_a_failure()
    {
        var (facilitator, _) = Make(HttpStatusCode.OK, """{"success":false,"errorReason":"insufficient_funds","transaction":"","network":"eip155:84532"}""");
        var answer = await facilitator.SettleAsync(Payload, Requirement, default);
        Assert.False(answer.Success);
        Assert.Equal("insufficient_funds", answer.ErrorReason);
    }

    [Fact]
    public async Task A_refusal_with_400_is_still_an_answer()
    {
        var (facilitator, _) = Make(HttpStatusCode.BadRequest, """{"isValid":false,"invalidReason":"invalid_exact_evm_payload_signature"}""");
        Assert.Equal("invalid_exact_evm_payload_signature", (await facilitator.VerifyAsync(Payload, Requirement, default)).InvalidReason);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadGateway, "{}")]
    [InlineData(HttpStatusCode.OK, "<html>not json</html>")]
    [InlineData(HttpStatusCode.OK, "null")]
    public async Task An_outage_or_nonsense_is_unavailable_not_a_verdict(HttpStatusCode status, string body)
    {
        var (facilitator, _) = Make(status, body);
        await Assert.ThrowsAsync<FacilitatorUnavailableException>(() => facilitator.SettleAsync(Payload, Requirement, default));
    }

    [Fact]
    public async Task Supported_lists_the_kinds()
    {
        var (facilitator, recorder) = Make(HttpStatusCode.OK, """{"kinds":[{"x402Version":2,"scheme":"exact","network":"eip155:84532"}],"extensions":[],"signers":{"eip155:*":["0x1"]}}""");
        var supported = await facilitator.SupportedAsync(default);
        Assert.Equal("eip155:84532", Assert.Single(supported.Kinds).Network);
        Assert.Equal(("GET", "/x402/supported"), (recorder.Requests[0].Method, recorder.Requests[0].Path));
    }
}
