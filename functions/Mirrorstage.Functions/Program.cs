using Mirrorstage.Functions;

var builder = WebApplication.CreateBuilder(args);

// Under the Azure Functions host (custom handler) the host tells us which port to listen on.
if (Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT") is { Length: > 0 } port)
    builder.WebHost.UseUrls($"http://127.0.0.1:{port}");

builder.AddGateway();

var app = builder.Build();
app.MapGateway();
app.Run();

/// <summary>Visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
