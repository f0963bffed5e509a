using System.Collections.Concurrent;
using FhirAdapter.Core.Privacy;
using FhirAdapter.Store;
using FhirAdapter.Worker.Tests.Support;

namespace FhirAdapter.Worker.Tests.Delivery;

/// <summary>
/// The push path's door: the consent is decided again right before each patient's Bundle goes, and what a destination
/// accepted is accounted whatever became of the lease. A destination stands in as an <see cref="AcceptingSender"/> that
/// lets the test act (another instance reads a revocation, or takes a patient over) while a send is in flight.
/// </summary>
public sealed class DoorDecisionTests
{
    /// <summary>
    /// consent.md: "the push path asks again right before every send, so a pending push to that organization is dropped,
    /// not sent". Here the revocation is read (by another instance) after the patient's batch was prepared and before
    /// its Bundle goes: the shared resources (the session's Practitioner) are written first, and the revocation is
    /// stored while that write is in flight.
    /// </summary>
    [Fact]
    public async Task A_revocation_read_after_the_batch_was_prepared_stops_the_patients_send()
    {
        var @case = ConsentCases.Get(ConsentCases.RevokedBetweenSyncs);
        await using var clinic = new AcceptingClinic();
        var (setup, time, sender, worker) = (clinic.Setup, clinic.Time, clinic.Sender, clinic.Worker);
        await using var other = new InProcessWorker(setup.Configuration, time);
        var key = worker.PatientKey(@case.Mrn);
        clinic.Arrive("1-case", @case.Records);

        var revoked = false;
        var sentAfterRevocation = new ConcurrentQueue<string>();
        sender.BeforeAnswer = async bundle =>
        {
            if (revoked && bundle.PatientKey == key)
            {
                sentAfterRevocation.Enqueue(string.Join(",", bundle.Bundle.Entry.Select(e => e.Resource?.TypeName ?? e.Request.Method.ToString())));
            }

            if (bundle.PatientKey == StoreKeys.Shared && !revoked)
            {
                // Another instance reads the next export file, which revokes the consent.
                clinic.Arrive("2-later", @case.Later);
                var run = await other.Store.StartSyncRunAsync("other-instance", CancellationToken.None);
                await other.Ingestor.IngestAsync(run.Id, null, CancellationToken.None);
                revoked = true;
            }
        };

        await worker.Runner.RunOnceAsync(CancellationToken.None);

        Assert.True(revoked, "no shared resource was written: the test did not reach the moment it checks");
        var records = (await worker.Store.GetCurrentRecordsAsync(key, CancellationToken.None)).Select(r => r.ToClinicRecord()).ToList();
        Assert.False(ConsentDecider.Decide(records, ConsentCases.Organization, DisclosurePurpose.Treatment, time.GetUtcNow()).IsPermitted,
            "the revocation is in the store: a decision made now denies");
        Assert.True(sentAfterRevocation.IsEmpty, $"sent after the revocation was read: {string.Join(" | ", sentAfterRevocation)}");
    }

    /// <summary>
    /// consent.md: the door prepares the Bundle again when the decision of now still permits but releases something else.
    /// Here the counseling notes were released when the batch was prepared; the disclosure consent's next version, read
    /// (by another instance) while the shared resources are written, excludes them: the patient's Bundle still goes, and
    /// without the note.
    /// </summary>
    [Fact]
    public async Task Notes_excluded_after_the_batch_was_prepared_do_not_go_with_the_patients_send()
    {
        var @case = ConsentCases.Get(ConsentCases.GuardianSigned);
        await using var clinic = new AcceptingClinic();
        var (setup, time, sender, worker) = (clinic.Setup, clinic.Time, clinic.Sender, clinic.Worker);
        await using var other = new InProcessWorker(setup.Configuration, time);
        var key = worker.PatientKey(@case.Mrn);
        clinic.Arrive("1-case", @case.Records);
        var disclosure = @case.Records.Single(r => (string?)r["recordType"] == "consent" && (string?)r["consentType"] == "disclosure");

        var excluded = false;
        var sentAfterExclusion = new ConcurrentQueue<string>();
        sender.BeforeAnswer = async bundle =>
        {
            if (excluded && bundle.PatientKey == key)
            {
                sentAfterExclusion.Enqueue(string.Join(",", bundle.Bundle.Entry.Select(e => e.Resource?.TypeName ?? e.Request.Method.ToString())));
            }

            if (bundle.PatientKey == StoreKeys.Shared && !excluded)
            {
                clinic.Arrive("2-exclude", [disclosure.With("dataScope", "exclude-counseling-notes").With("updatedAt", "2026-03-20T06:00:00-04:00")]);
                var run = await other.Store.StartSyncRunAsync("other-instance", CancellationToken.None);
                await other.Ingestor.IngestAsync(run.Id, null, CancellationToken.None);
                excluded = true;
            }
        };

        await worker.Runner.RunOnceAsync(CancellationToken.None);

        Assert.True(excluded, "no shared resource was written: the test did not reach the moment it checks");
        var sent = Assert.Single(sentAfterExclusion);
        Assert.Contains("Encounter", sent, StringComparison.Ordinal);
        Assert.DoesNotContain("DocumentReference", sent, StringComparison.Ordinal);
    }

    /// <summary>
    /// consent.md: every disclosure that happened (push: the destination accepted the transaction) is recorded. When the
    /// patient's lease passes to another instance while the send is in flight (the lease lapsed: a stalled process, a
    /// failed renewal), the destination has accepted the data: its accounting entry is recorded even though the
    /// delivery state is left to the lease's new owner.
    /// </summary>
    [Fact]
    public async Task A_send_the_destination_accepted_is_accounted_even_when_the_lease_was_lost_meanwhile()
    {
        var @case = ConsentCases.Get(ConsentCases.Tpo);
        await using var clinic = new AcceptingClinic();
        var (_, _, sender, worker) = (clinic.Setup, clinic.Time, clinic.Sender, clinic.Worker);
        var key = worker.PatientKey(@case.Mrn);
        clinic.Arrive("1-case", @case.Records);

        var accepted = 0;
        sender.BeforeAnswer = async bundle =>
        {
            if (bundle.PatientKey == key)
            {
                // The lease lapsed and another instance claimed the patient while the EHR was answering.
                await worker.Store.ReleaseAsync(worker.Owner, [key], CancellationToken.None);
                Assert.NotNull(await worker.Store.TryClaimPatientAsync("other-instance", key, CancellationToken.None));
                Interlocked.Add(ref accepted, bundle.Bundle.Entry.Count);
            }
        };

        await worker.Runner.RunOnceAsync(CancellationToken.None);

        Assert.True(accepted > 0, "the patient's Bundle was not sent: the test did not reach the moment it checks");
        var accounting = await worker.Store.GetDisclosuresAsync(key, null, CancellationToken.None);
        Assert.True(accounting.Any(d => d.Channel == DisclosureChannel.Push && d.OrganizationId == ConsentCases.Organization),
            $"the destination accepted {accepted} entries of the patient; the accounting holds {accounting.Count} disclosures");
    }

}
