using System.Net;
using Microsoft.AspNetCore.Http;

namespace Mirrorstage.Functions.Tests.AzureFunctions;

public static class FunctionRequests
{
    /// <summary>The request as the Functions worker's ASP.NET Core integration hands it to a function, from
    /// the given client address.</summary>
    public static async Task<HttpContext> ContextFor(HttpRequestMessage message, IServiceProvider services, IPAddress? client = null)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        var uri = new Uri(new Uri("http://localhost"), message.RequestUri!);
        context.Connection.RemoteIpAddress = client;
        context.Request.Method = message.Method.Method;
        context.Request.Scheme = uri.Scheme;
        context.Request.Host = new HostString(uri.Authority);
        context.Request.Path = uri.AbsolutePath;
        context.Request.QueryString = new QueryString(uri.Query);
        foreach (var (key, values) in message.Headers) context.Request.Headers[key] = values.ToArray();
        if (message.Content is { } content)
        {
            foreach (var (key, values) in content.Headers) context.Request.Headers[key] = values.ToArray();
            var body = await content.ReadAsByteArrayAsync();
            context.Request.Body = new MemoryStream(body);
            context.Request.ContentLength = body.Length;
        }
        context.Response.Body = new MemoryStream();
        return context;
    }
}
