using Gateway.Admin;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Gateway.ApiDocs;

/// <summary>
/// The admin API's description: an OpenAPI document at <c>/openapi/v1.json</c> (every <c>/admin</c> endpoint with its request
/// and response schemas, examples, problem answers and the bearer scheme) and the interactive Scalar reference at
/// <c>/docs</c>, whose script is served from the gateway itself (no CDN, no web fonts, no telemetry).
/// </summary>
internal static class ApiDocsExtensions
{
    /// <summary>Name of the one document.</summary>
    public const string DocumentName = "v1";

    /// <summary>Route of the document.</summary>
    public const string DocumentRoute = "/openapi/{documentName}.json";

    /// <summary>Route prefix of the interactive reference.</summary>
    public const string ReferenceRoute = "/docs";

    /// <summary>Registers the document generator with the gateway's transformers.</summary>
    public static IServiceCollection AddGatewayApiDocs(this IServiceCollection services)
    {
        services.AddOpenApi(DocumentName, options =>
        {
            options.ShouldInclude = description => description.RelativePath?.StartsWith("admin/", StringComparison.Ordinal) == true;
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Tenant gateway admin API",
                    Version = DocumentName,
                    Description = "Operator endpoints of the tenant isolation gateway, served on the management listener. Every call takes a "
                        + "bearer token: the platform admin scope (gateway:admin) may read and change every tenant; a tenant's token may "
                        + "read its own tenant, and change it (invalidate its cache) with the tenant-admin scope (gateway:tenant-admin). "
                        + "Errors are application/problem+json with a stable `type`. Every write is recorded in the audit trail.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "A JWT from the gateway's issuer (Gateway:Jwt). Development: dotnet run --project gateway -- token --scope gateway:admin",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];
                return Task.CompletedTask;
            });
            options.AddOperationTransformer(async (operation, context, cancellationToken) =>
            {
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<AdminOpenApi.JsonBody>().FirstOrDefault() is { } body)
                {
                    var schema = await context.GetOrCreateSchemaAsync(body.Type, null, cancellationToken);
                    operation.RequestBody = new OpenApiRequestBody
                    {
                        Required = true,
                        Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = new() { Schema = schema } },
                    };
                }
            });
            options.AddSchemaTransformer(AdminExamples.ApplyAsync);
        });
        return services;
    }

    /// <summary>Maps the document and the reference on <paramref name="management"/> (the management group).</summary>
    public static void MapGatewayApiDocs(this IEndpointRouteBuilder management)
    {
        management.MapOpenApi(DocumentRoute);
        management.MapScalarApiReference(ReferenceRoute, options => options
            .WithTitle("Tenant gateway admin API")
            .WithOpenApiRoutePattern(DocumentRoute)
            .AddPreferredSecuritySchemes(BearerScheme)
            .DisableDefaultFonts()
            .DisableTelemetry()
            .DisableAgent()
            .DisableMcp());
    }

    private const string BearerScheme = "bearer";
}
