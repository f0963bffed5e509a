using System.Text.RegularExpressions;
using FhirAdapter.Worker.Tests.Support;

namespace FhirAdapter.Worker.Tests.Commands;

/// <summary>
/// <c>resend</c> after an EHR lost data: the store thinks the EHR holds everything, so a sync sends nothing; resend of
/// one patient, then of everyone, brings the EHR back to what it held, by conditional updates, nothing twice. And
/// <c>status</c> shows each destination's counts.
/// </summary>
[Collection(FhirServerCollection.Name)]
public sealed partial class ResendCommandTests(FhirServerFixture server)
{
    private static readonly string[] FirstExport = ["2026-01-05_forms.json", "2026-02-02_consents.json", "2026-02-02_intakes.ndjson", "2026-02-02_sessions.ndjson"];

    [Fact]
    public async Task An_EHR_that_lost_its_data_gets_it_again_by_patient_or_all_and_nothing_twice()
    {
        await server.ResetAsync();
        using var setup = new SyncSetup(server.BaseUrl);
        setup.KeepOnly(FirstExport);
        var first = await Cli.RunAsync(setup.Args("sync", "--once"));
        Assert.True(first.ExitCode == 0, first.Output + first.Error);
        var held = await ServerContents.SnapshotAsync(server);
        Assert.True(held.Count > 50, $"{held.Count} resources sent");

        await server.ResetAsync(); // the EHR lost everything
        Assert.Equal(0, Sent(await Cli.RunAsync(setup.Args("sync", "--once")))); // the store cannot know

        var patient = held.Keys.First(k => k.StartsWith("Patient ", StringComparison.Ordinal));
        var mrn = patient[(patient.LastIndexOf('|') + 1)..];
        var one = await Cli.RunAsync(setup.Args("resend", "--destination", "ehr", "--patient", mrn));
        Assert.True(one.ExitCode == 0, one.Output + one.Error);
        Assert.Matches(@"Queued patient p-[0-9a-f]+ for ehr", one.Output);
        Assert.DoesNotContain(mrn, one.Output, StringComparison.Ordinal);
        await Cli.RunAsync(setup.Args("sync", "--once"));
        var back = await ServerContents.SnapshotAsync(server);
        Assert.Contains(patient, back.Keys);
        Assert.All(back, r => Assert.Equal(held[r.Key], r.Value)); // as it was, nothing else
        Assert.True(back.Count < held.Count, "more than the one patient came back");

        var all = await Cli.RunAsync(setup.Args("resend", "--destination", "ehr", "--all"));
        Assert.True(all.ExitCode == 0, all.Output + all.Error);
        await Cli.RunAsync(setup.Args("sync", "--once"));
        var again = await ServerContents.SnapshotAsync(server);
        Assert.True(held.SequenceEqual(again), Delivery.ExpectedContents.Diff(held, again)); // the patient sent twice holds once

        var status = await Cli.RunAsync(setup.Args("status"));
        Assert.Contains("destination          pending  not-permitted       sent    waiting  conflicts   rejected    blocked   withheld  withdrawn", status.Output, StringComparison.Ordinal);
        Assert.Matches(@"ehr\s+0\s+\d+\s+[1-9]\d*\s+0\s+0\s+0\s+0\s+\d+\s+0", status.Output);
    }

    [Theory]
    [InlineData("resend", "--destination", "ehr")]
    [InlineData("resend", "--destination", "ehr", "--all", "--patient", "KWC-1")]
    [InlineData("resend", "--destination", "elsewhere", "--all")]
    public async Task Resend_needs_a_configured_destination_and_one_of_patient_or_all(params string[] command)
    {
        using var setup = new SyncSetup(server.BaseUrl);

        var run = await Cli.RunAsync(setup.Args(command));

        Assert.Equal(2, run.ExitCode);
        Assert.NotEmpty(run.Error);
    }

    private static int Sent(Cli.Run run) => int.Parse(SentLine().Match(run.Output).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

    [GeneratedRegex(@"Sent:\s+(\d+) resources")]
    private static partial Regex SentLine();
}
