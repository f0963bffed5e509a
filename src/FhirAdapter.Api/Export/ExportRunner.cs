using System.Text;
using System.Text.Json;
using FhirAdapter.Api.Auth;
using FhirAdapter.Api.Disclosure;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Store;
using FhirAdapter.Store.Api;
using FhirAdapter.Store.Search;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Api.Export;

/// <summary>
/// Runs bulk exports in the background, one at a time per instance, patient by patient: each patient is decided,
/// filtered and labelled like any API answer, and its resources are appended to one NDJSON file per type, so memory
/// stays flat however large the store. Each patient's disclosure Provenance (the redisclosure notice) goes to
/// Provenance.ndjson. The accounting entries are kept beside the files and recorded when the client fetches the first file;
/// so are the patients and the consents they were exported under, decided again whenever a file is fetched.
/// <para>
/// Jobs come from the store: any instance takes the oldest queued one, holds it under a lease it renews while it
/// writes, and saves the manifest only once every file is closed. An instance that stops gives its job back to the
/// queue; one that dies loses it when the lease runs out. Either way another instance (or the next start) runs the job
/// again from the start, in a new folder, under the same id and transactionTime, so its status URL keeps answering.
/// </para>
/// </summary>
internal sealed class ExportRunner(
    ExportJobs jobs, IApiStateStore state, ApiClientRegistry clients, IResourceQuery query, IAdapterStore store, PatientAccess access,
    VisibilityHistory history, TimeProvider time, IOptions<StoreOptions> storeOptions, ILogger<ExportRunner> logger)
    : BackgroundService
{
    public const string MarkerFile = ".fhiradapter-export";
    private const int PatientPage = 100;

    /// <summary>Progress is saved (and the lease renewed) after this many patients, or a quarter of the lease, whichever comes first.</summary>
    private const int SaveEvery = 25;

    /// <summary>How often an idle runner looks for jobs queued by other instances or left by a stopped one.</summary>
    private static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(5);

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>This runner's name in the store's lease (unique per instance, also for two hosts in one process).</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>Test hook: awaited after each patient a job exported (the job, the patients so far).</summary>
    internal Func<ApiExportJob, int, CancellationToken, System.Threading.Tasks.Task>? AfterPatient { get; set; }

    protected override async System.Threading.Tasks.Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sweeper = SweepAsync(stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                ApiExportJob? job = null;
                try
                {
                    job = await state.ClaimExportJobAsync(Owner, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
                {
                    // The store is unreachable for a moment: try again after the idle pause rather than stop the host.
                    Log.ExportClaimFailed(logger, e.GetType().Name);
                }

                if (job is not null)
                {
                    await RunAsync(job, stoppingToken).ConfigureAwait(false);
                    continue;
                }

                await jobs.WaitForWorkAsync(IdlePoll, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await sweeper.ConfigureAwait(false);
    }

    private async System.Threading.Tasks.Task SweepAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), time);
        try
        {
            do
            {
                try
                {
                    await jobs.SweepAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
                {
                    Log.ExportSweepFailed(logger, e.GetType().Name);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal async System.Threading.Tasks.Task RunAsync(ApiExportJob job, CancellationToken stoppingToken)
    {
        using var local = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        using var tracked = jobs.Track(job.Id, local);
        var cancellationToken = local.Token;
        var folder = jobs.Folder(job);
        try
        {
            var request = ExportRequest.Parse(job.RequestJson);
            var grant = await GrantAsync(job, request, cancellationToken).ConfigureAwait(false);
            var (files, patients) = await WriteAsync(job, request, grant, folder, local).ConfigureAwait(false);
            var done = job with
            {
                State = ApiExportState.Completed, PatientsExported = patients, FilesJson = ExportFile.ToJson(files), ExpiresAt = time.GetUtcNow() + jobs.Options.FileLifetime,
            };
            if (await state.UpdateExportJobAsync(done, Owner, CancellationToken.None).ConfigureAwait(false))
            {
                Log.ExportCompleted(logger, job.Id, files.Count, files.Sum(f => f.Count), patients);
            }
            else
            {
                ExportJobs.DeleteFiles(folder);
                Log.ExportCancelled(logger, job.Id);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // This instance stops: the job goes back to the queue, for the next start or another instance.
            ExportJobs.DeleteFiles(folder);
            await state.ReleaseExportJobAsync(job.Id, Owner, CancellationToken.None).ConfigureAwait(false);
            Log.ExportReleased(logger, job.Id);
        }
        catch (OperationCanceledException) when (local.IsCancellationRequested)
        {
            // Cancelled by its client (DELETE), here or on another instance, or taken over by another instance.
            ExportJobs.DeleteFiles(folder);
            Log.ExportCancelled(logger, job.Id);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // Whatever fails, the job fails and the runner goes on: an exception escaping a BackgroundService stops the host.
            ExportJobs.DeleteFiles(folder);
            await state.UpdateExportJobAsync(job with
            {
                State = ApiExportState.Failed, Error = e is ExportRefusedException ? e.Message : "The export failed; the error is logged.",
                ExpiresAt = time.GetUtcNow() + jobs.Options.FileLifetime,
            }, Owner, CancellationToken.None).ConfigureAwait(false);
            Log.ExportFailed(logger, job.Id, e.GetType().Name);
        }
    }

    /// <summary>The kick-off's grant, narrowed to what the client is registered for now.</summary>
    private async Task<AccessGrant> GrantAsync(ApiExportJob job, ExportRequest request, CancellationToken cancellationToken)
    {
        var client = await clients.FindAsync(job.ClientId, cancellationToken).ConfigureAwait(false) ?? throw new ExportRefusedException("The client is no longer registered");
        var scopes = request.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(t => SmartScope.TryParse(t, out var s) ? s : null).OfType<SmartScope>()
            .Where(s => client.Scopes.Any(c => c.Covers(s))).ToList();
        return new AccessGrant(client, scopes, DateTimeOffset.MaxValue);
    }

    /// <summary>Writes every file of the job and closes them all (the manifest must never name a file still being written).</summary>
    private async Task<(List<ExportFile> Files, int Patients)> WriteAsync(ApiExportJob job, ExportRequest request, AccessGrant grant, string folder, CancellationTokenSource local)
    {
        var cancellationToken = local.Token;
        ExportJobs.DeleteFiles(folder);
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, MarkerFile), "FhirAdapter bulk export; deleted when it expires\n", cancellationToken).ConfigureAwait(false);
        if (request.Ignored.Count > 0)
        {
            var outcome = new OperationOutcome
            {
                Id = job.Id,
                Issue = [.. request.Ignored.Select(i => new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Warning, Code = OperationOutcome.IssueType.NotSupported, Diagnostics = i })],
            };
            await File.WriteAllTextAsync(Path.Combine(folder, ExportEndpoints.OutcomeFile), FhirJson.Serialize(outcome, pretty: false) + "\n", cancellationToken).ConfigureAwait(false);
        }

        var types = request.Types.Where(t => grant.Allows(t, Auth.SmartPermission.Read)).ToHashSet(StringComparer.Ordinal);
        var writers = new Dictionary<string, (StreamWriter Writer, long Count)>(StringComparer.Ordinal);
        var patients = 0;
        try
        {
            var pending = new StreamWriter(Path.Combine(folder, ExportEndpoints.PendingDisclosuresFile), false, Utf8);
            var exported = new StreamWriter(Path.Combine(folder, ExportEndpoints.PatientsFile), false, Utf8);
            await using (pending.ConfigureAwait(false))
            await using (exported.ConfigureAwait(false))
            {
                var (saved, renewed) = (0, time.GetUtcNow());
                string? after = null;
                while (true)
                {
                    var keys = await query.GetPatientKeysAsync(after, PatientPage, cancellationToken).ConfigureAwait(false);
                    foreach (var key in keys)
                    {
                        if (!await ExportPatientAsync(request, grant, types, key, folder, writers, pending, exported, job.Id, cancellationToken).ConfigureAwait(false))
                        {
                            continue;
                        }

                        patients++;
                        if (patients - saved >= SaveEvery || time.GetUtcNow() - renewed >= storeOptions.Value.LeaseDuration / 4)
                        {
                            // Progress for X-Progress on every instance, and the lease renewed; false: cancelled or taken over.
                            if (!await state.UpdateExportJobAsync(job with { PatientsExported = patients }, Owner, cancellationToken).ConfigureAwait(false))
                            {
                                await local.CancelAsync().ConfigureAwait(false);
                            }

                            (saved, renewed) = (patients, time.GetUtcNow());
                        }

                        if (AfterPatient is { } hook)
                        {
                            await hook(job, patients, cancellationToken).ConfigureAwait(false);
                        }

                        cancellationToken.ThrowIfCancellationRequested();
                    }

                    if (keys.Count < PatientPage)
                    {
                        break;
                    }

                    after = keys[^1];
                }

                if (!request.PatientLevel && types.Contains("Questionnaire"))
                {
                    await ExportQuestionnairesAsync(folder, writers, cancellationToken).ConfigureAwait(false);
                }
            }

            return ([.. writers.OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => new ExportFile(w.Key, $"{w.Key}.ndjson", w.Value.Count))], patients);
        }
        finally
        {
            foreach (var (writer, _) in writers.Values)
            {
                await writer.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private async Task<bool> ExportPatientAsync(
        ExportRequest request, AccessGrant grant, IReadOnlySet<string> types, string patientKey, string folder,
        Dictionary<string, (StreamWriter Writer, long Count)> writers, StreamWriter pending, StreamWriter exported, string jobId, CancellationToken cancellationToken)
    {
        var patient = await access.LoadAsync(patientKey, grant, cancellationToken).ConfigureAwait(false);
        if (patient is null)
        {
            return false;
        }

        // _since: what changed after it, and what the organization could not see then (VisibilityHistory): a patient
        // whose consent arrived later comes with the whole of its permitted record.
        var then = request.Since is { } at ? await history.DecisionAtAsync(patientKey, grant.Client, at, cancellationToken).ConfigureAwait(false) : null;
        var disclosed = new List<Resource>();
        foreach (var stored in patient.Stored)
        {
            if (!stored.Validation.IsValid || !types.Contains(stored.ResourceType))
            {
                continue;
            }

            var resource = patient.Served(stored);
            if (request.Since is { } since && !patient.ChangedAfter(stored, since) && VisibilityHistory.WasVisible(resource, then!, access.Filter))
            {
                continue;
            }

            if (!ResourceMaterializer.IsEnteredInError(resource) && access.Filter.FilterResource(resource, patient.Decision, patient.Sensitivity) is { } labelled)
            {
                disclosed.Add(labelled);
            }
        }

        if (disclosed.Count == 0)
        {
            return false;
        }

        foreach (var resource in disclosed)
        {
            await WriteAsync(folder, writers, resource, cancellationToken).ConfigureAwait(false);
        }

        if (request.IncludeNotice)
        {
            var notice = access.Filter.BuildNoticeProvenance(patient.Decision, patient.Sensitivity,
                disclosed.Select(r => new ResourceReference($"{r.TypeName}/{r.Id}")),
                ConsentReference(patient, patient.Decision.ConsentRecordId!),
                patient.Decision.CounselingNotesConsentRecordId is { } notes ? ConsentReference(patient, notes) : null);
            notice.Id = StableIds.For("Provenance", access.Canonicals.RecordSystem, $"{patientKey}.export.{jobId}").ToString();
            await WriteAsync(folder, writers, notice, cancellationToken).ConfigureAwait(false);
        }

        await pending.WriteLineAsync(JsonSerializer.Serialize(access.Account(patient, disclosed)).AsMemory(), cancellationToken).ConfigureAwait(false);
        await exported.WriteLineAsync(JsonSerializer.Serialize(ExportedPatient.Of(patientKey, patient.Decision)).AsMemory(), cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The permitting Consent by id (it is exported too) and by its record identifier.</summary>
    private ResourceReference ConsentReference(PatientView patient, string recordId)
    {
        var identifier = $"{access.Canonicals.RecordSystem}|{recordId}";
        var consent = patient.Stored.FirstOrDefault(r => r.ResourceType == "Consent" && r.Identifier == identifier);
        return new ResourceReference
        {
            Reference = consent is null ? null : $"Consent/{consent.LogicalId}",
            Type = "Consent",
            Identifier = new Identifier(access.Canonicals.RecordSystem, recordId),
        };
    }

    private async System.Threading.Tasks.Task ExportQuestionnairesAsync(string directory, Dictionary<string, (StreamWriter Writer, long Count)> writers, CancellationToken cancellationToken)
    {
        foreach (var stored in await store.GetResourcesAsync(StoreKeys.Questionnaires, cancellationToken).ConfigureAwait(false))
        {
            if (stored.Validation.IsValid && stored.ResourceType == "Questionnaire")
            {
                await WriteAsync(directory, writers, await access.ServeFormAsync(stored, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async System.Threading.Tasks.Task WriteAsync(string directory, Dictionary<string, (StreamWriter Writer, long Count)> writers, Resource resource, CancellationToken cancellationToken)
    {
        if (!writers.TryGetValue(resource.TypeName, out var entry))
        {
            entry = (new StreamWriter(Path.Combine(directory, $"{resource.TypeName}.ndjson"), false, Utf8), 0);
        }

        await entry.Writer.WriteLineAsync(FhirJson.Serialize(resource, pretty: false).AsMemory(), cancellationToken).ConfigureAwait(false);
        writers[resource.TypeName] = (entry.Writer, entry.Count + 1);
    }
}

/// <summary>An export that cannot run, for a reason the client may read in the status answer.</summary>
internal sealed class ExportRefusedException(string message) : Exception(message);
