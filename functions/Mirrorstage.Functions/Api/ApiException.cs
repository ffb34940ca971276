namespace Mirrorstage.Functions.Api;

/// <summary>A request the gateway refuses, with the documented status and a snake_case code.</summary>
public sealed class ApiException(int status, string code, string message, IReadOnlyDictionary<string, string>? headers = null)
    : Exception(message)
{
    public int Status { get; } = status;
    public string Code { get; } = code;
    public IReadOnlyDictionary<string, string> Headers { get; } = headers ?? new Dictionary<string, string>();

    public static ApiException BadRequest(string code, string message) => new(400, code, message);
    public static ApiException Unauthorized(string code, string message) => new(401, code, message);
    public static ApiException NotFound(string message = "No such session.") => new(404, "not_found", message);
}
