using System.CommandLine;
using System.Globalization;
using FhirAdapter.Api.Auth;
using FhirAdapter.Api.Options;
using Microsoft.Extensions.DependencyInjection;

namespace FhirAdapter.Worker.Commands;

/// <summary>
/// <c>clients add | list | remove</c>: the EHR clients of the pull API registered in the store, beside those of
/// configuration (<c>Adapter:Api:Clients</c>). A running service sees a change at once, on every instance.
/// </summary>
internal static class ClientsCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("clients", "Register, list and remove the EHR clients of the FHIR API (SMART Backend Services).");
        command.Subcommands.Add(Add(output, error));
        command.Subcommands.Add(List(output, error));
        command.Subcommands.Add(Remove(output, error));
        return command;
    }

    private static Command Add(TextWriter output, TextWriter error)
    {
        var id = new Option<string>("--id") { Description = "The client id: the iss and sub of its assertions.", Required = true };
        var organization = new Option<string>("--organization") { Description = "The organizationId its consents name (e.g. bhn).", Required = true };
        var jwksUrl = new Option<string?>("--jwks-url") { Description = "The https URL of its JWK Set (fetched again when it uses a new kid)." };
        var jwks = new Option<FileInfo?>("--jwks") { Description = "A file with its public key(s): a JWK Set or one JWK (RS384 or ES384)." };
        var scopes = new Option<string>("--scopes") { Description = "What it may be granted, space-separated.", DefaultValueFactory = _ => "system/*.rs" };
        var purpose = new Option<string>("--purpose") { Description = "treatment, payment or health-care-operations.", DefaultValueFactory = _ => "treatment" };
        var limit = new Option<int?>("--permit-limit") { Description = "Its own rate limit (requests per window)." };
        var add = new Command("add", "Register a client (or replace its registration, e.g. with a new key).") { id, organization, jwksUrl, jwks, scopes, purpose, limit };
        add.TreatUnmatchedTokensAsErrors = false;
        add.SetAction(async (parse, ct) =>
        {
            if ((parse.GetValue(jwksUrl) is null) == (parse.GetValue(jwks) is null))
            {
                await error.WriteLineAsync("Give exactly one of --jwks-url URL and --jwks FILE.").ConfigureAwait(false);
                return AdapterCommandLine.UsageError;
            }

            string? keys = null;
            if (parse.GetValue(jwks) is { } file)
            {
                if (!file.Exists)
                {
                    await error.WriteLineAsync($"--jwks: {file.FullName} does not exist.").ConfigureAwait(false);
                    return AdapterCommandLine.UsageError;
                }

                keys = await File.ReadAllTextAsync(file.FullName, ct).ConfigureAwait(false);
            }

            var client = new ApiClientOptions
            {
                ClientId = parse.GetValue(id)!, OrganizationId = parse.GetValue(organization)!, Jwks = keys, JwksUrl = parse.GetValue(jwksUrl),
                Scopes = parse.GetValue(scopes)!, Purpose = parse.GetValue(purpose)!, PermitLimit = parse.GetValue(limit),
            };
            return await RunAsync(parse, error, async registry =>
            {
                await registry.AddAsync(client, ct).ConfigureAwait(false);
                await output.WriteLineAsync($"Registered client {client.ClientId.Trim()} for organization {client.OrganizationId.Trim()}: it can ask for tokens now.").ConfigureAwait(false);
                return AdapterCommandLine.Ok;
            }, ct).ConfigureAwait(false);
        });
        return add;
    }

    private static Command List(TextWriter output, TextWriter error)
    {
        var list = new Command("list", "List the registered clients, from configuration and from the store (no key material is shown).");
        list.TreatUnmatchedTokensAsErrors = false;
        list.SetAction((parse, ct) => RunAsync(parse, error, async registry =>
        {
            var clients = await registry.ListAsync(ct).ConfigureAwait(false);
            await output.WriteLineAsync($"{clients.Count} client{(clients.Count == 1 ? "" : "s")}.").ConfigureAwait(false);
            foreach (var c in clients)
            {
                var since = c.RegisteredAt is { } at ? $", registered {at.ToString("u", CultureInfo.InvariantCulture)}" : "";
                await output.WriteLineAsync($"  {c.ClientId}  organization {c.OrganizationId}, {c.Purpose}, scopes {c.Scopes}, keys {c.Keys}"
                    + $"{(c.PermitLimit is { } l ? $", limit {l}" : "")}  [{c.Source}{since}]").ConfigureAwait(false);
            }

            return AdapterCommandLine.Ok;
        }, ct));
        return list;
    }

    private static Command Remove(TextWriter output, TextWriter error)
    {
        var id = new Argument<string>("id") { Description = "The client id." };
        var remove = new Command("remove", "Unregister a client registered with clients add; its tokens stop working at once.") { id };
        remove.TreatUnmatchedTokensAsErrors = false;
        remove.SetAction((parse, ct) => RunAsync(parse, error, async registry =>
        {
            var clientId = parse.GetValue(id)!;
            if (!await registry.RemoveAsync(clientId, ct).ConfigureAwait(false))
            {
                await error.WriteLineAsync($"No client {clientId} is registered in the store (clients list shows the registered ones).").ConfigureAwait(false);
                return AdapterCommandLine.Failures;
            }

            await output.WriteLineAsync($"Removed client {clientId}.").ConfigureAwait(false);
            return AdapterCommandLine.Ok;
        }, ct));
        return remove;
    }

    /// <summary>Runs in the command host with the API's client registry; a refused registration is a usage error naming each problem.</summary>
    private static Task<int> RunAsync(ParseResult parse, TextWriter error, Func<IApiClientRegistry, Task<int>> action, CancellationToken cancellationToken) =>
        CommandHost.RunAsync(parse, error, async services =>
        {
            try
            {
                return await action(services.GetRequiredService<IApiClientRegistry>()).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                await error.WriteLineAsync(e.Message).ConfigureAwait(false);
                return AdapterCommandLine.UsageError;
            }
        }, cancellationToken, (services, configuration) => services.AddFhirApiClients(configuration));
}
