using JasperFx;
using JasperFx.Events;
using Marten.Exceptions;
using Microsoft.AspNetCore.Diagnostics;
using Mirrorstage.Events;

namespace Mirrorstage.Functions.Api;

/// <summary>The one place failures become HTTP: every error is {"error":{"code","message"}}.</summary>
public static class ErrorHandling
{
    public static void UseApiErrors(this IApplicationBuilder app)
    {
        var log = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Mirrorstage.Functions.Api");
        app.UseExceptionHandler(errors => errors.Run(async context =>
        {
            var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
            var (status, code, message) = Map(error);
            if (status >= 500)
                log.LogError(error, "Unhandled failure on {Method} {Path}", context.Request.Method, context.Request.Path);
            if (error is ApiException api)
                foreach (var (name, value) in api.Headers) context.Response.Headers[name] = value;
            await Write(context, status, code, message);
        }));

        // Empty 404/405/415 answers from routing get the same shape.
        app.UseStatusCodePages(async ctx =>
        {
            var status = ctx.HttpContext.Response.StatusCode;
            var (code, message) = status switch
            {
                404 => ("not_found", "No such endpoint."),
                405 => ("method_not_allowed", "This endpoint does not take that method."),
                415 => ("unsupported_media_type", "Send the documented content type."),
                _ => ("http_" + status, "The request could not be served."),
            };
            await Write(ctx.HttpContext, status, code, message);
        });
    }

    public static (int Status, string Code, string Message) Map(Exception? error) => error switch
    {
        ApiException e => (e.Status, e.Code, e.Message),
        Imaging.ImageRejected e => (e.Status, e.Code, e.Message),
        DomainException { Kind: DomainError.Conflict } e => (409, e.Code, e.Message),
        DomainException { Kind: DomainError.Forbidden } e => (403, e.Code, e.Message),
        DomainException e => (400, e.Code, e.Message),
        EventStreamUnexpectedMaxEventIdException or ConcurrencyException =>
            (409, "concurrent_update", "The session changed while this request ran; try again."),
        BadHttpRequestException { StatusCode: 413 } =>
            (413, "request_too_large", "The request body is larger than this endpoint accepts."),
        BadHttpRequestException e => (e.StatusCode, "bad_request", e.Message),
        _ => (500, "internal_error", "Something failed on our side; nothing was charged. Try again."),
    };

    public static Task Write(HttpContext context, int status, string code, string message) =>
        Infrastructure.Http.ErrorJson.WriteAsync(context, status, code, message);
}
