using System.Text;
using System.Text.Json;
using FhirAdapter.Api.Auth;
using FhirAdapter.Api.Disclosure;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Store;
using FhirAdapter.Store.Search;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FhirAdapter.Api.Export;

/// <summary>
/// Runs bulk exports in the background, one at a time, patient by patient: each patient is decided, filtered and
/// labelled like any API answer, and its resources are appended to one NDJSON file per type, so memory stays flat
/// however large the store. Each patient's disclosure Provenance (the redisclosure notice) goes to Provenance.ndjson.
/// The accounting entries are kept beside the files and recorded when the client fetches the first file.
/// </summary>
internal sealed class ExportRunner(ExportJobs jobs, IResourceQuery query, IAdapterStore store, PatientAccess access, VisibilityHistory history, TimeProvider time, ILogger<ExportRunner> logger)
    : BackgroundService
{
    public const string MarkerFile = ".fhiradapter-export";
    private const int PatientPage = 100;
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    protected override async System.Threading.Tasks.Task ExecuteAsync(CancellationToken stoppingToken)
    {
        jobs.DeleteOrphans();
        var sweeper = SweepAsync(stoppingToken);
        try
        {
            await foreach (var job in jobs.Queue.ReadAllAsync(stoppingToken))
            {
                await RunAsync(job, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await sweeper;
    }

    private async System.Threading.Tasks.Task SweepAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                jobs.SweepExpired();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    internal async System.Threading.Tasks.Task RunAsync(ExportJob job, CancellationToken stoppingToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, job.Cancellation.Token);
        var cancellationToken = linked.Token;
        if (cancellationToken.IsCancellationRequested)
        {
            return;
        }

        job.State = ExportState.Running;
        var writers = new Dictionary<string, (StreamWriter Writer, long Count)>(StringComparer.Ordinal);
        try
        {
            Directory.CreateDirectory(job.Directory);
            await File.WriteAllTextAsync(Path.Combine(job.Directory, MarkerFile), "FhirAdapter bulk export; deleted when it expires\n", cancellationToken);
            await using var pending = new StreamWriter(Path.Combine(job.Directory, ExportJob.PendingDisclosuresFile), false, Utf8);
            if (job.Ignored.Count > 0)
            {
                var outcome = new OperationOutcome
                {
                    Id = job.Id,
                    Issue = [.. job.Ignored.Select(i => new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Warning, Code = OperationOutcome.IssueType.NotSupported, Diagnostics = i })],
                };
                await File.WriteAllTextAsync(Path.Combine(job.Directory, ExportJob.OutcomeFile), FhirJson.Serialize(outcome, pretty: false) + "\n", cancellationToken);
            }

            var patients = 0;
            string? after = null;
            while (true)
            {
                var keys = await query.GetPatientKeysAsync(after, PatientPage, cancellationToken);
                foreach (var key in keys)
                {
                    if (await ExportPatientAsync(job, key, writers, pending, cancellationToken))
                    {
                        patients++;
                        job.PatientsExported = patients;
                    }
                }

                if (keys.Count < PatientPage)
                {
                    break;
                }

                after = keys[^1];
            }

            if (!job.PatientLevel && job.Types.Contains("Questionnaire"))
            {
                await ExportQuestionnairesAsync(job.Directory, writers, cancellationToken);
            }

            foreach (var (writer, _) in writers.Values)
            {
                await writer.FlushAsync(cancellationToken);
            }

            job.Files = [.. writers.OrderBy(w => w.Key, StringComparer.Ordinal).Select(w => new ExportFile(w.Key, $"{w.Key}.ndjson", w.Value.Count))];
            job.ExpiresAt = time.GetUtcNow() + jobs.Options.FileLifetime;
            job.State = ExportState.Completed;
            Log.ExportCompleted(logger, job.Id, job.Files.Count, job.Files.Sum(f => f.Count), patients);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            job.State = ExportState.Failed;
            job.Error = "cancelled";
            Log.ExportCancelled(logger, job.Id);
        }
        catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
        {
            // Whatever fails, the job fails and the runner goes on: an exception escaping a BackgroundService stops the host.
            job.State = ExportState.Failed;
            job.Error = "The export failed; the error is logged.";
            job.ExpiresAt = time.GetUtcNow() + jobs.Options.FileLifetime;
            Log.ExportFailed(logger, job.Id, e.GetType().Name);
        }
        finally
        {
            foreach (var (writer, _) in writers.Values)
            {
                await writer.DisposeAsync();
            }

            if (job.Cancellation.IsCancellationRequested)
            {
                ExportJobs.DeleteFiles(job.Directory);
            }
        }
    }

    private async Task<bool> ExportPatientAsync(
        ExportJob job, string patientKey, Dictionary<string, (StreamWriter Writer, long Count)> writers, StreamWriter pending, CancellationToken cancellationToken)
    {
        var patient = await access.LoadAsync(patientKey, job.Grant, cancellationToken);
        if (patient is null)
        {
            return false;
        }

        // _since: what changed after it, and what the organization could not see then (VisibilityHistory): a patient
        // whose consent arrived later comes with the whole of its permitted record.
        var then = job.Since is { } at ? await history.DecisionAtAsync(patientKey, job.Grant.Client, at, cancellationToken) : null;
        var disclosed = new List<Resource>();
        foreach (var stored in patient.Stored)
        {
            if (!stored.Validation.IsValid || !job.Types.Contains(stored.ResourceType))
            {
                continue;
            }

            var resource = patient.Served(stored);
            if (job.Since is { } since && stored.MappedAt <= since && VisibilityHistory.WasVisible(resource, then!, access.Filter))
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
            await WriteAsync(job.Directory, writers, resource, cancellationToken);
        }

        if (!job.IncludeNotice)
        {
            await pending.WriteLineAsync(JsonSerializer.Serialize(access.Account(patient, disclosed)).AsMemory(), cancellationToken);
            return true;
        }

        var notice = access.Filter.BuildNoticeProvenance(patient.Decision, patient.Sensitivity,
            disclosed.Select(r => new ResourceReference($"{r.TypeName}/{r.Id}")),
            ConsentReference(patient, patient.Decision.ConsentRecordId!),
            patient.Decision.CounselingNotesConsentRecordId is { } notes ? ConsentReference(patient, notes) : null);
        notice.Id = StableIds.For("Provenance", access.Canonicals.RecordSystem, $"{patientKey}.export.{job.Id}").ToString();
        await WriteAsync(job.Directory, writers, notice, cancellationToken);

        var disclosure = access.Account(patient, disclosed);
        await pending.WriteLineAsync(JsonSerializer.Serialize(disclosure).AsMemory(), cancellationToken);
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
        foreach (var stored in await store.GetResourcesAsync(StoreKeys.Questionnaires, cancellationToken))
        {
            if (stored.Validation.IsValid && stored.ResourceType == "Questionnaire")
            {
                await WriteAsync(directory, writers, ResourceMaterializer.Materialize(stored, new Dictionary<string, string>()), cancellationToken);
            }
        }
    }

    private static async System.Threading.Tasks.Task WriteAsync(string directory, Dictionary<string, (StreamWriter Writer, long Count)> writers, Resource resource, CancellationToken cancellationToken)
    {
        if (!writers.TryGetValue(resource.TypeName, out var entry))
        {
            entry = (new StreamWriter(Path.Combine(directory, $"{resource.TypeName}.ndjson"), false, Utf8), 0);
        }

        await entry.Writer.WriteLineAsync(FhirJson.Serialize(resource, pretty: false).AsMemory(), cancellationToken);
        writers[resource.TypeName] = (entry.Writer, entry.Count + 1);
    }
}
