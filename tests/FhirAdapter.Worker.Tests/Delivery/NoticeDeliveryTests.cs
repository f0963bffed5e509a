using FhirAdapter.Exchange.Sending;
using FhirAdapter.Worker.Tests.Support;

namespace FhirAdapter.Worker.Tests.Delivery;

/// <summary>The §2.32 disclosure notice reaches the destination with the data it accompanies, and stays there.</summary>
public sealed class NoticeDeliveryTests
{
    /// <summary>
    /// From the disclosure review (round 3, finding 7). consent.md: the notice goes with every write, so that it "stays
    /// attached to the records at the destination". A per-entry server (Medplum answers each entry on its own) may store
    /// the data and fail the notice's entry (here a 503 for that entry alone): the next sync finds the data unchanged and
    /// the notice the only item, and must send it again.
    /// </summary>
    [Fact]
    public async Task A_notice_the_destination_did_not_store_is_sent_again_at_the_next_sync()
    {
        var @case = ConsentCases.Get(ConsentCases.Tpo);
        await using var clinic = new AcceptingClinic();
        var (_, time, sender, worker) = (clinic.Setup, clinic.Time, clinic.Sender, clinic.Worker);
        sender.NoticeOutcome = EntryOutcome.RetryLater;
        var key = worker.PatientKey(@case.Mrn);
        clinic.Arrive("1-case", @case.Records);

        var notices = 0;
        sender.BeforeAnswer = bundle =>
        {
            if (bundle.PatientKey == key)
            {
                notices += bundle.Bundle.Entry.Count(AcceptingSender.IsNotice);
            }

            return Task.CompletedTask;
        };

        var first = await worker.Runner.RunOnceAsync(CancellationToken.None);
        Assert.Equal(1, notices);
        Assert.True(first.WaitingForRetry > 0, "the notice waits for a retry");

        sender.NoticeOutcome = EntryOutcome.Sent;
        time.Advance(TimeSpan.FromMinutes(10));
        await worker.Runner.RunOnceAsync(CancellationToken.None);
        Assert.True(notices == 2, "the notice was not sent again: the destination holds the patient's data without it");
    }

}
