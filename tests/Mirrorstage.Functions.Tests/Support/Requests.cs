using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mirrorstage.X402;
using Mirrorstage.X402.Models;

namespace Mirrorstage.Functions.Tests.Support;

public static class Requests
{
    public static MultipartFormDataContent SessionForm(
        byte[]? image = null, string fileName = "face.png", string? acceptTos = "true", string? duration = null,
        string? outputUrl = null, string? wallet = null)
    {
        var form = new MultipartFormDataContent();
        if (image is not null)
        {
            var file = new ByteArrayContent(image);
            file.Headers.ContentType = new MediaTypeHeaderValue(fileName.EndsWith(".png") ? "image/png" : "image/jpeg");
            form.Add(file, "reference_image", fileName);
        }
        if (acceptTos is not null) form.Add(new StringContent(acceptTos), "accept_tos");
        if (duration is not null) form.Add(new StringContent(duration), "duration_minutes");
        if (outputUrl is not null) form.Add(new StringContent(outputUrl), "output_url");
        if (wallet is not null) form.Add(new StringContent(wallet), "wallet");
        return form;
    }

    public static HttpRequestMessage CreateSession(MultipartFormDataContent form, string? paymentSignature = null, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/sessions") { Content = form };
        if (paymentSignature is not null) request.Headers.TryAddWithoutValidation(X402Headers.PaymentSignature, paymentSignature);
        if (idempotencyKey is not null) request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        return request;
    }

    public static HttpRequestMessage WithBearer(HttpMethod method, string path, string? token, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    /// <summary>A payment for one of the gateway's own requirements, from `payer`, with a fresh nonce.</summary>
    public static string Payment(PaymentRequirements accepted, string payer, string script = "ok", string? nonce = null) =>
        X402Headers.Encode(new PaymentPayload(2, accepted, new JsonObject
        {
            ["signature"] = "0x" + new string('1', 130),
            ["script"] = script,
            ["authorization"] = new JsonObject
            {
                ["from"] = payer, ["to"] = accepted.PayTo, ["value"] = accepted.Amount,
                ["validAfter"] = "0", ["validBefore"] = "99999999999", ["nonce"] = nonce ?? "0x" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"),
            },
        }));

    public static PaymentRequired DecodeRequired(HttpResponseMessage response)
    {
        var header = response.Headers.GetValues(X402Headers.PaymentRequired).Single();
        return JsonSerializer.Deserialize<PaymentRequired>(Convert.FromBase64String(header), X402Json.Options)!;
    }

    public static async Task<JsonObject> JsonAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!;

    /// <summary>A new share link's token (POST /v1/sessions/{id}/share with the session's token).</summary>
    public static async Task<string> ShareTokenAsync(HttpClient client, string id, string token) =>
        (await JsonAsync(await client.SendAsync(WithBearer(HttpMethod.Post, $"/v1/sessions/{id}/share", token))))["share_url"]!
            .GetValue<string>().Split("share=")[1];

    /// <summary>Asserts the documented status and error code, and shows the body when they differ.</summary>
    public static async Task AssertErrorAsync(HttpResponseMessage response, int status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status} {code}, got {(int)response.StatusCode}: {body}");
        var json = JsonNode.Parse(body)!;
        Assert.Equal(code, json["error"]!["code"]!.GetValue<string>());
        Assert.False(string.IsNullOrWhiteSpace(json["error"]!["message"]!.GetValue<string>()));
    }
}
