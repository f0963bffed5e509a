namespace FhirAdapter.Worker.Tests.Support;

/// <summary>
/// The small inbox of the once-per-tick tests: the forms and one export (7 patients), and one later export
/// (2 patients) that arrives between two ticks. No destination: the tests are about who reads the inbox.
/// </summary>
internal static class TickInbox
{
    public static readonly string[] First = ["2026-01-05_forms.json", "2026-02-02_consents.json", "2026-02-02_intakes.ndjson"];

    public const string Later = "2026-03-16_intakes.ndjson";

    /// <summary>Two scheduled instances' first tick: started 10:02, every five minutes, so 10:05 and then 10:10.</summary>
    public static readonly DateTimeOffset Start = new(2026, 3, 9, 10, 2, 0, TimeSpan.Zero);

    public static readonly DateTimeOffset FirstTick = new(2026, 3, 9, 10, 5, 0, TimeSpan.Zero);

    public static SyncSetup Create()
    {
        var setup = new SyncSetup(serverBaseUrl: null);
        setup.KeepOnly(First);
        return setup;
    }

    /// <summary>The instances' configuration: the setup's, on a five-minute schedule with no pass at start, and small mapping batches so both map.</summary>
    public static string[] Args(SyncSetup setup, params string[] more) =>
        [.. setup.Configuration, "--Adapter:Schedule=*/5 * * * *", "--Adapter:RunAtStart=false", "--Adapter:RemapBatchSize=2", .. more];
}
