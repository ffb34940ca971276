using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace Mirrorstage.Cli;

/// <summary>The few calls the CLI makes, exactly as an agent would make them.</summary>
public sealed class GatewayClient(HttpClient http)
{
    public static HttpClient CreateHttp(string url, int connections = 64) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(url + "/"),
            Timeout = TimeSpan.FromSeconds(60),
        };

    public async Task<(int Status, JsonNode? Body)> CreateSessionAsync(byte[] face, string fileName, string? outputUrl = null, int? minutes = null)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(face);
        file.Headers.ContentType = new MediaTypeHeaderValue(fileName.EndsWith(".png", StringComparison.OrdinalIgnoreCase) ? "image/png" : "image/jpeg");
        form.Add(file, "reference_image", fileName);
        form.Add(new StringContent("true"), "accept_tos");
        if (outputUrl is not null) form.Add(new StringContent(outputUrl), "output_url");
        if (minutes is not null) form.Add(new StringContent(minutes.Value.ToString()), "duration_minutes");
        using var response = await http.PostAsync("v1/sessions", form);
        return ((int)response.StatusCode, await ReadAsync(response));
    }

    public Task<(int Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? token = null, string? json = null)
    {
        var request = new HttpRequestMessage(method, path.TrimStart('/'));
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null) request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        return SendAsync(request);
    }

    private async Task<(int Status, JsonNode? Body)> SendAsync(HttpRequestMessage request)
    {
        using (request)
        using (var response = await http.SendAsync(request))
            return ((int)response.StatusCode, await ReadAsync(response));
    }

    private static async Task<JsonNode?> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try { return JsonNode.Parse(text); } catch (System.Text.Json.JsonException) { return JsonValue.Create(text); }
    }
}
