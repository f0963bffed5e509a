using System.Globalization;
using FhirAdapter.Api.Auth;
using FhirAdapter.Api.Disclosure;
using FhirAdapter.Api.Http;
using FhirAdapter.Api.Search;
using FhirAdapter.Core.Privacy;
using FhirAdapter.Store;
using FhirAdapter.Store.Api;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FhirAdapter.Api.Export;

/// <summary>FHIR Bulk Data: kick-off (<c>$export</c>), status polling and cancelling, and the files themselves.</summary>
internal static class ExportEndpoints
{
    public const string StatusPath = "$export-status";
    public const string FilePath = "$export-file";

    /// <summary>The accounting entries of an export, written beside its files and recorded when the first file is fetched.</summary>
    public const string PendingDisclosuresFile = ".disclosures.ndjson";

    /// <summary>The patients of an export and the consents they went under (<see cref="ExportedPatient"/>), decided again at every fetch.</summary>
    public const string PatientsFile = ".patients.ndjson";

    /// <summary>The OperationOutcome of the parameters ignored (lenient handling): the manifest's error array points at it.</summary>
    public const string OutcomeFile = "OperationOutcome.ndjson";

    /// <summary>What a system-level export may hold besides the patient compartment: forms, and what references point at.</summary>
    private static readonly string[] SystemTypes = ["Questionnaire", "Practitioner", "Medication"];

    private static readonly string[] OutputFormats = ["application/fhir+ndjson", "application/ndjson", "ndjson"];

    /// <summary>The manifest extension that carries the §2.32 notice when _type leaves Provenance out.</summary>
    public static readonly string RedisclosureNoticeExtension = Core.Mapping.ClinicCanonicals.Extension("redisclosure-notice");

    private static readonly string[] KnownParameters = ["_outputFormat", "_since", "_type"];

    /// <summary>
    /// Kick-off, by GET (parameters in the query) or POST (a Parameters resource; Bulk Data 2.0: "servers SHALL support
    /// GET requests and MAY support POST requests that supply parameters using the FHIR Parameters Resource").
    /// </summary>
    public static async Task<IResult> KickOffAsync(HttpContext context, bool patientLevel, ExportJobs jobs, ApiUrls urls, TimeProvider time)
    {
        var grant = ClientAuthenticationFilter.Grant(context);
        var request = context.Request;
        var prefer = request.Headers["Prefer"].SelectMany(v => (v ?? "").Split([',', ';'], StringSplitOptions.TrimEntries)).ToList();
        if (!prefer.Contains("respond-async", StringComparer.OrdinalIgnoreCase))
        {
            throw FhirApiException.BadRequest("Bulk export runs asynchronously: send the header Prefer: respond-async");
        }

        var parameters = await OperationParameters.ReadAsync(request, context.RequestAborted).ConfigureAwait(false);
        var lenient = prefer.Contains("handling=lenient", StringComparer.OrdinalIgnoreCase);
        var ignored = new List<string>();
        foreach (var name in parameters.Keys.Where(k => !KnownParameters.Contains(k) && k != "_format"))
        {
            // Bulk Data 2.0: a parameter the server does not support is an error unless the client sent
            // Prefer: handling=lenient; then it is ignored and said so in the manifest's error array.
            var message = $"Parameter '{name}' is not supported by $export (supported: {string.Join(", ", KnownParameters)})";
            if (!lenient)
            {
                throw FhirApiException.BadRequest(message + "; send Prefer: handling=lenient to have it ignored");
            }

            ignored.Add(message + ": ignored");
        }

        if (parameters["_outputFormat"] is { Count: > 0 } format && !OutputFormats.Contains(format.ToString()))
        {
            throw FhirApiException.BadRequest("_outputFormat must be application/fhir+ndjson");
        }

        DateTimeOffset? since = null;
        if (parameters["_since"] is { Count: > 0 } sinceText)
        {
            if (!DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
            {
                throw FhirApiException.BadRequest("_since must be a FHIR instant, e.g. 2026-03-01T00:00:00Z");
            }

            since = parsed;
        }

        var exportable = SearchTypes.PatientCompartment.Append(SearchTypes.Patient).Concat(patientLevel ? [] : SystemTypes).ToHashSet(StringComparer.Ordinal);
        HashSet<string> types;
        // The disclosure notice (Provenance.ndjson) goes unless _type leaves Provenance out: Bulk Data 2.0 says the
        // output SHALL be filtered to _type; the manifest then carries the notice's text in an extension instead.
        var notice = true;
        if (parameters["_type"] is { Count: > 0 } typeText)
        {
            types = typeText.SelectMany(t => t!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToHashSet(StringComparer.Ordinal);
            notice = types.Remove("Provenance");
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

        var id = Guid.NewGuid().ToString("N");
        var fhirBase = urls.Fhir(request);
        var exportRequest = new ExportRequest(string.Join(' ', grant.Scopes.Select(g => g.Text)), urls.Self(request), fhirBase, patientLevel,
            [.. types.Order(StringComparer.Ordinal)], since, notice, ignored);
        var now = time.GetUtcNow();
        var job = new ApiExportJob(id, grant.Client.ClientId, ApiExportState.Queued, exportRequest.ToJson(), now, now, null, null, 0, 0, null, null, null, false);
        if (!await jobs.AddAsync(job, context.RequestAborted).ConfigureAwait(false))
        {
            var busy = new FhirApiException(429, OperationOutcome.IssueType.Throttled, "An export of this client is still running; wait for it or cancel it");
            busy.Headers["Retry-After"] = Seconds(jobs.Options.PollInterval);
            throw busy;
        }

        context.Response.Headers.ContentLocation = $"{fhirBase}/{StatusPath}/{id}";
        return FhirResults.Resource(FhirResults.Outcome(OperationOutcome.IssueType.Informational, "Export accepted; poll the Content-Location URL", OperationOutcome.IssueSeverity.Information), 202);
    }

    public static async Task<IResult> StatusAsync(HttpContext context, string id, ExportJobs jobs)
    {
        var (job, request) = await FindAsync(context, id, jobs).ConfigureAwait(false);
        switch (job.State)
        {
            case ApiExportState.Queued:
            case ApiExportState.Running:
                // Only what this client will receive: a count of all the clinic's patients would tell it what it may not see.
                context.Response.Headers["X-Progress"] = job.State == ApiExportState.Queued ? "queued" : $"running: {job.PatientsExported} patients exported so far";
                context.Response.Headers.RetryAfter = Seconds(jobs.Options.PollInterval);
                return Results.StatusCode(202);
            case ApiExportState.Failed:
                throw new FhirApiException(500, OperationOutcome.IssueType.Exception, job.Error ?? "The export failed");
        }

        context.Response.Headers.Expires = job.ExpiresAt!.Value.ToString("R", CultureInfo.InvariantCulture);
        var manifest = new Dictionary<string, object>
        {
            ["transactionTime"] = job.TransactionTime.ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", CultureInfo.InvariantCulture),
            ["request"] = request.RequestUrl,
            ["requiresAccessToken"] = true,
            ["output"] = ExportFile.Parse(job.FilesJson).Select(f => new Dictionary<string, object>
            {
                ["type"] = f.ResourceType,
                ["url"] = $"{request.FhirBase}/{FilePath}/{job.Id}/{f.Name}",
                ["count"] = f.Count,
            }).ToList(),
            ["error"] = Array.Empty<object>(),
        };
        if (request.Ignored.Count > 0)
        {
            manifest["error"] = new[] { new Dictionary<string, object> { ["type"] = "OperationOutcome", ["url"] = $"{request.FhirBase}/{FilePath}/{job.Id}/{OutcomeFile}" } };
        }

        if (!request.IncludeNotice)
        {
            // The §2.32 notice must accompany the disclosure even when _type leaves its Provenance out.
            manifest["extension"] = new Dictionary<string, object> { [RedisclosureNoticeExtension] = RedisclosureNotice.Text };
        }

        return Results.Json(manifest);
    }

    public static async Task<IResult> CancelAsync(HttpContext context, string id, ExportJobs jobs)
    {
        await jobs.DeleteAsync((await FindAsync(context, id, jobs).ConfigureAwait(false)).Job, context.RequestAborted).ConfigureAwait(false);
        return FhirResults.Resource(FhirResults.Outcome(OperationOutcome.IssueType.Informational, "Export cancelled and its files deleted", OperationOutcome.IssueSeverity.Information), 202);
    }

    public static async Task<IResult> FileAsync(HttpContext context, string id, string name, ExportJobs jobs, PatientAccess access, IApiStateStore state, ILogger logger)
    {
        var (job, request) = await FindAsync(context, id, jobs).ConfigureAwait(false);
        var folder = jobs.Folder(job);
        if (job.State == ApiExportState.Completed && name == OutcomeFile && request.Ignored.Count > 0)
        {
            // No patient data: the OperationOutcome of the manifest's error array.
            return Results.File(Path.Combine(folder, OutcomeFile), FhirResults.NdjsonContentType);
        }

        var file = job.State == ApiExportState.Completed ? ExportFile.Parse(job.FilesJson).FirstOrDefault(f => f.Name == name) : null;
        if (file is null)
        {
            throw FhirApiException.NotFound($"{name} is not a file of export {id}");
        }

        // The data leaves now, not when the export ran: decided again for every patient in it, the files go out only
        // while each is still disclosed under the consents it was exported under. Else none goes (the client exports
        // again, and the new export leaves the patient out): no file is cut apart, no count in the manifest goes wrong.
        var grant = ClientAuthenticationFilter.Grant(context);
        if (await ChangedPatientsAsync(folder, grant, access, context.RequestAborted).ConfigureAwait(false) is var changed and not 0)
        {
            Log.ExportWithdrawn(logger, job.Id, changed);
            throw new FhirApiException(410, OperationOutcome.IssueType.Suppressed,
                "The files of this export were withdrawn: consent to disclose data it holds has changed since it ran. Start a new export ($export) and export again");
        }

        if (!job.DisclosuresRecorded)
        {
            await RecordDisclosuresAsync(job, folder, access, state, context.RequestAborted).ConfigureAwait(false);
        }

        return Results.File(Path.Combine(folder, file.Name), FhirResults.NdjsonContentType);
    }

    /// <summary>
    /// How many patients of the export are no longer disclosed to the client's organization under the consents they
    /// were exported under. An export without its list of patients (written before the list was kept) counts as changed.
    /// </summary>
    private static async Task<int> ChangedPatientsAsync(string folder, AccessGrant grant, PatientAccess access, CancellationToken cancellationToken)
    {
        var path = Path.Combine(folder, PatientsFile);
        if (!File.Exists(path))
        {
            return 1;
        }

        var changed = 0;
        using var reader = new StreamReader(path);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            var exported = System.Text.Json.JsonSerializer.Deserialize<ExportedPatient>(line) ?? throw new InvalidOperationException("An empty line in an export's list of patients");
            var now = await access.DecideOnConsentsAsync(exported.PatientKey, grant, cancellationToken).ConfigureAwait(false);
            if (!exported.StillDisclosedUnder(now))
            {
                changed++;
            }
        }

        return changed;
    }

    /// <summary>
    /// The accounting of an export: written when its data first leaves, i.e. on the first file fetched, by whichever
    /// instance serves it. A patient's entry lists all of its exported resources, whichever file the client fetches
    /// (the safe side). Two first fetches at once write the same entries, which the store keeps once (by id).
    /// </summary>
    private static async System.Threading.Tasks.Task RecordDisclosuresAsync(ApiExportJob job, string folder, PatientAccess access, IApiStateStore state, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(Path.Combine(folder, PendingDisclosuresFile));
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            var disclosure = System.Text.Json.JsonSerializer.Deserialize<FhirAdapter.Store.Disclosures.Disclosure>(line) ?? throw new InvalidOperationException("An empty accounting line");
            await access.RecordAsync(disclosure, cancellationToken).ConfigureAwait(false);
        }

        await state.MarkExportDisclosedAsync(job.Id, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<(ApiExportJob Job, ExportRequest Request)> FindAsync(HttpContext context, string id, ExportJobs jobs) =>
        await jobs.FindAsync(id, ClientAuthenticationFilter.Grant(context).Client.ClientId, context.RequestAborted).ConfigureAwait(false)
        ?? throw FhirApiException.NotFound($"No export {id} (unknown, expired or cancelled)");

    private static string Seconds(TimeSpan value) => ((int)Math.Ceiling(value.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
