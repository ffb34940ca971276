using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace Mirrorstage.Infrastructure.Http;

/// <summary>The one shape of an HTTP error, for the gateway and the worker alike: {"error":{"code","message"}}.</summary>
public static class ErrorJson
{
    public sealed record Body([property: JsonPropertyName("error")] Detail Error);

    public sealed record Detail([property: JsonPropertyName("code")] string Code, [property: JsonPropertyName("message")] string Message);

    public static Task WriteAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new Body(new Detail(code, message)));
    }

    /// <summary>The same answer as a minimal-API result.</summary>
    public static IResult Result(int status, string code, string message) => Results.Json(new Body(new Detail(code, message)), statusCode: status);
}
