using FhirAdapter.Api.Auth;

namespace FhirAdapter.Api.Export;

/// <summary>One bulk export: what was asked, by whom, and how far it got. Its files live in <see cref="Directory"/>.</summary>
internal sealed class ExportJob
{
    public const string PendingDisclosuresFile = ".disclosures.ndjson";

    /// <summary>The OperationOutcome of the parameters ignored (lenient handling): the manifest's error array points at it.</summary>
    public const string OutcomeFile = "OperationOutcome.ndjson";

    public required string Id { get; init; }

    /// <summary>The grant of the kick-off request: the client, its organization and scopes.</summary>
    public required AccessGrant Grant { get; init; }

    public required string RequestUrl { get; init; }

    public required string FhirBase { get; init; }

    public required bool PatientLevel { get; init; }

    public required IReadOnlySet<string> Types { get; init; }

    public DateTimeOffset? Since { get; init; }

    /// <summary>Whether Provenance.ndjson (the disclosure notices) is written: not when _type leaves Provenance out.</summary>
    public bool IncludeNotice { get; init; } = true;

    /// <summary>What was ignored under Prefer: handling=lenient, one message each.</summary>
    public IReadOnlyList<string> Ignored { get; init; } = [];

    /// <summary>When the export started: what the manifest reports as transactionTime.</summary>
    public required DateTimeOffset TransactionTime { get; init; }

    public required string Directory { get; init; }

    public CancellationTokenSource Cancellation { get; } = new();

    private volatile ExportState _state;

    /// <summary>Written by the runner, read by status polls on other threads.</summary>
    public ExportState State
    {
        get => _state;
        set => _state = value;
    }

    /// <summary>Patients with data in the files so far: all X-Progress tells (not the clinic's patient count).</summary>
    public int PatientsExported { get; set; }

    public IReadOnlyList<ExportFile> Files { get; set; } = [];

    public string? Error { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>Whether the accounting of this export's disclosures has been written (on the first file fetched).</summary>
    public bool DisclosuresRecorded { get; set; }

    public SemaphoreSlim DisclosureGate { get; } = new(1, 1);

    public bool IsActive => State is ExportState.Queued or ExportState.Running;
}
