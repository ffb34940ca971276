using Mirrorstage.Functions;
using Mirrorstage.Functions.AzureFunctions;

if (FunctionsWorker.IsHostedBy(args))
{
    FunctionsWorker.Run(args);
    return;
}

var builder = WebApplication.CreateBuilder(args);
builder.AddGateway();

var app = builder.Build();
app.MapGateway();
app.Run();

/// <summary>Visible to the tests' WebApplicationFactory.</summary>
public partial class Program;
