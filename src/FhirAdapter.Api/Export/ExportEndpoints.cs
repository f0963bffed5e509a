using System.Globalization;
using FhirAdapter.Api.Auth;
using FhirAdapter.Api.Disclosure;
using FhirAdapter.Api.Http;
using FhirAdapter.Api.Search;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Http;

namespace FhirAdapter.Api.Export;

/// <summary>FHIR Bulk Data: kick-off (<c>$export</c>), status polling and cancelling, and the files themselves.</summary>
internal static class ExportEndpoints
{
    public const string StatusPath = "$export-status";
    public const string FilePath = "$export-file";

    /// <summary>What a system-level export may hold besides the patient compartment: forms, and what references point at.</summary>
    private static readonly string[] SystemTypes = ["Questionnaire", "Practitioner", "Medication"];

    private static readonly string[] OutputFormats = ["application/fhir+ndjson", "application/ndjson", "ndjson"];

    private static readonly string[] KnownParameters = ["_outputFormat", "_since", "_type"];

    public static IResult KickOff(HttpContext context, bool patientLevel, ExportJobs jobs, ApiUrls urls, TimeProvider time)
    {
        var grant = ClientAuthenticationFilter.Grant(context);
        var request = context.Request;
        if (!request.Headers["Prefer"].ToString().Contains("respond-async", StringComparison.OrdinalIgnoreCase))
        {
            throw FhirApiException.BadRequest("Bulk export runs asynchronously: send the header Prefer: respond-async");
        }

        foreach (var name in request.Query.Keys.Where(k => !KnownParameters.Contains(k)))
        {
            throw FhirApiException.BadRequest($"Parameter '{name}' is not supported by $export (supported: {string.Join(", ", KnownParameters)})");
        }

        if (request.Query["_outputFormat"] is { Count: > 0 } format && !OutputFormats.Contains(format.ToString()))
        {
            throw FhirApiException.BadRequest("_outputFormat must be application/fhir+ndjson");
        }

        DateTimeOffset? since = null;
        if (request.Query["_since"] is { Count: > 0 } sinceText)
        {
            if (!DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                throw FhirApiException.BadRequest("_since must be a FHIR instant, e.g. 2026-03-01T00:00:00Z");
            }

            since = parsed;
        }

        var exportable = SearchTypes.PatientCompartment.Append(SearchTypes.Patient).Concat(patientLevel ? [] : SystemTypes).ToHashSet(StringComparer.Ordinal);
        HashSet<string> types;
        if (request.Query["_type"] is { Count: > 0 } typeText)
        {
            types = typeText.SelectMany(t => t!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToHashSet(StringComparer.Ordinal);
            if (types.FirstOrDefault(t => !exportable.Contains(t)) is { } unknown)
            {
                throw FhirApiException.BadRequest($"_type: {unknown} is not exported by this server");
            }

            if (types.FirstOrDefault(t => !grant.Allows(t, SmartPermission.Read)) is { } denied)
            {
                throw FhirApiException.Forbidden($"The access token has no read scope for {denied}");
            }
        }
        else
        {
            types = exportable.Where(t => grant.Allows(t, SmartPermission.Read)).ToHashSet(StringComparer.Ordinal);
            if (types.Count == 0)
            {
                throw FhirApiException.Forbidden("The access token has no read scope for any exported type");
            }
        }

        if (jobs.ActiveFor(grant.Client.ClientId) >= jobs.Options.MaxActivePerClient)
        {
            var busy = new FhirApiException(429, OperationOutcome.IssueType.Throttled, "An export of this client is still running; wait for it or cancel it");
            busy.Headers["Retry-After"] = Seconds(jobs.Options.PollInterval);
            throw busy;
        }

        var id = Guid.NewGuid().ToString("N");
        var job = new ExportJob
        {
            Id = id,
            Grant = grant,
            RequestUrl = urls.Self(request),
            FhirBase = urls.Fhir(request),
            PatientLevel = patientLevel,
            Types = types,
            Since = since,
            TransactionTime = time.GetUtcNow(),
            Directory = Path.Combine(jobs.Root, id),
        };
        jobs.Enqueue(job);
        context.Response.Headers.ContentLocation = $"{job.FhirBase}/{StatusPath}/{id}";
        return FhirResults.Resource(FhirResults.Outcome(OperationOutcome.IssueType.Informational, "Export accepted; poll the Content-Location URL", OperationOutcome.IssueSeverity.Information), 202);
    }

    public static IResult Status(HttpContext context, string id, ExportJobs jobs)
    {
        var job = Find(context, id, jobs);
        switch (job.State)
        {
            case ExportState.Queued:
            case ExportState.Running:
                context.Response.Headers["X-Progress"] = job.State == ExportState.Queued ? "queued" : $"{job.PatientsDone}/{job.PatientsTotal} patients";
                context.Response.Headers.RetryAfter = Seconds(jobs.Options.PollInterval);
                return Results.StatusCode(202);
            case ExportState.Failed:
                throw new FhirApiException(500, OperationOutcome.IssueType.Exception, job.Error ?? "The export failed");
        }

        context.Response.Headers.Expires = job.ExpiresAt!.Value.ToString("R", CultureInfo.InvariantCulture);
        return Results.Json(new Dictionary<string, object>
        {
            ["transactionTime"] = job.TransactionTime.ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", CultureInfo.InvariantCulture),
            ["request"] = job.RequestUrl,
            ["requiresAccessToken"] = true,
            ["output"] = job.Files.Select(f => new Dictionary<string, object>
            {
                ["type"] = f.ResourceType,
                ["url"] = $"{job.FhirBase}/{FilePath}/{job.Id}/{f.Name}",
                ["count"] = f.Count,
            }).ToList(),
            ["error"] = Array.Empty<object>(),
        });
    }

    public static IResult Cancel(HttpContext context, string id, ExportJobs jobs)
    {
        jobs.Remove(Find(context, id, jobs));
        return FhirResults.Resource(FhirResults.Outcome(OperationOutcome.IssueType.Informational, "Export cancelled and its files deleted", OperationOutcome.IssueSeverity.Information), 202);
    }

    public static async Task<IResult> FileAsync(HttpContext context, string id, string name, ExportJobs jobs, PatientAccess access)
    {
        var job = Find(context, id, jobs);
        var file = job.State == ExportState.Completed ? job.Files.FirstOrDefault(f => f.Name == name) : null;
        if (file is null)
        {
            throw FhirApiException.NotFound($"{name} is not a file of export {id}");
        }

        await RecordDisclosuresAsync(job, access, context.RequestAborted);
        return Results.File(Path.Combine(job.Directory, file.Name), FhirResults.NdjsonContentType);
    }

    /// <summary>
    /// The accounting of an export: written when its data first leaves, i.e. on the first file fetched. A patient's
    /// entry lists all of its exported resources, whichever file the client fetches (the safe side).
    /// </summary>
    private static async System.Threading.Tasks.Task RecordDisclosuresAsync(ExportJob job, PatientAccess access, CancellationToken cancellationToken)
    {
        await job.DisclosureGate.WaitAsync(cancellationToken);
        try
        {
            if (job.DisclosuresRecorded)
            {
                return;
            }

            using var reader = new StreamReader(Path.Combine(job.Directory, ExportJob.PendingDisclosuresFile));
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                var disclosure = System.Text.Json.JsonSerializer.Deserialize<FhirAdapter.Store.Disclosures.Disclosure>(line) ?? throw new InvalidOperationException("An empty accounting line");
                await access.RecordAsync(disclosure, cancellationToken);
            }

            job.DisclosuresRecorded = true;
        }
        finally
        {
            job.DisclosureGate.Release();
        }
    }

    private static ExportJob Find(HttpContext context, string id, ExportJobs jobs) =>
        jobs.Find(id, ClientAuthenticationFilter.Grant(context).Client.ClientId) ?? throw FhirApiException.NotFound($"No export {id} (unknown, expired or cancelled)");

    private static string Seconds(TimeSpan value) => ((int)Math.Ceiling(value.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
