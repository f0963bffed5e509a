using System.Text.Json.Nodes;
using FhirAdapter.Exchange.Sending;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FhirAdapter.Worker.Tests.Support;

/// <summary>
/// The consent cases' clinic (the forms file alone, on the cases' clock) with one worker whose destination is an
/// <see cref="AcceptingSender"/>: a test writes a case's records into the inbox and watches what the worker sends.
/// </summary>
internal sealed class AcceptingClinic : IAsyncDisposable
{
    public AcceptingClinic()
    {
        Setup = new SyncSetup("http://127.0.0.1:9/fhir", ConsentCases.Organization);
        Setup.KeepOnly("2026-01-05_forms.json");
        Worker = new InProcessWorker(Setup.Configuration, Time, s => s.AddSingleton<IBundleSender>(Sender));
    }

    public SyncSetup Setup { get; }

    public FakeTimeProvider Time { get; } = new(ConsentCases.Now);

    public AcceptingSender Sender { get; } = new();

    public InProcessWorker Worker { get; }

    /// <summary>Writes records into the inbox as one file (read at the next sync).</summary>
    public void Arrive(string name, IEnumerable<JsonObject> records) =>
        File.WriteAllText(Path.Combine(Setup.Inbox, $"2026-03-20_{name}.ndjson"), ConsentCase.Ndjson(records));

    public async ValueTask DisposeAsync()
    {
        await Worker.DisposeAsync();
        Setup.Dispose();
    }
}
