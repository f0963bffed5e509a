using FhirAdapter.Core.Privacy;
using FhirAdapter.Core.Tests.Support;
using static FhirAdapter.Core.Tests.Privacy.ConsentTestData;
using static FhirAdapter.Testing.RecordJson;

namespace FhirAdapter.Core.Tests.Privacy;

/// <summary>The consent decision, one test per case of issue 6. The example consent names pbpca for treatment.</summary>
public sealed class ConsentDecisionTests
{
    private static async Task<ConsentDecision> DecideAsync(string organizationId, DisclosurePurpose purpose, DateTimeOffset now, params System.Text.Json.Nodes.JsonObject[] consents) =>
        ConsentDecider.Decide(await ReadAsync(consents), organizationId, purpose, now);

    [Fact]
    public void No_consent_denies()
    {
        var decision = ConsentDecider.Decide([], "pbpca", DisclosurePurpose.Treatment, Now);

        Assert.Equal(ConsentOutcome.Deny, decision.Outcome);
        Assert.False(decision.IsPermitted);
        Assert.Null(decision.ConsentRecordId);
        Assert.True(decision.WithholdCounselingNotes);
        Assert.Contains("no disclosure consent names organization 'pbpca'", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_signed_disclosure_consent_naming_the_organization_permits()
    {
        var decision = await DecideAsync("pbpca", DisclosurePurpose.Treatment, Now, Consent());

        Assert.True(decision.IsPermitted);
        Assert.Equal("CNS-2026-000311", decision.ConsentRecordId);
        Assert.Equal(("pbpca", DisclosurePurpose.Treatment, Now), (decision.OrganizationId, decision.Purpose, decision.DecidedAt));
        Assert.False(decision.IsTpoConsent);
    }

    [Fact]
    public async Task A_consent_for_another_organization_denies()
    {
        var decision = await DecideAsync("sfh", DisclosurePurpose.Treatment, Now, Consent());

        Assert.False(decision.IsPermitted);
        Assert.Contains("'sfh'", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2027-03-02T23:59:59-05:00", true)] // last second of the last day, New York time
    [InlineData("2027-03-03T04:59:59Z", true)] // the same instant in UTC
    [InlineData("2027-03-03T00:00:00-05:00", false)] // the day after
    [InlineData("2027-03-03T05:00:00Z", false)]
    public async Task A_date_only_expiry_runs_to_the_end_of_that_day_in_New_York(string now, bool permitted)
    {
        var decision = await DecideAsync("pbpca", DisclosurePurpose.Treatment, At(now), Consent());

        Assert.Equal(permitted, decision.IsPermitted);
        if (!permitted)
        {
            Assert.Contains("expired", decision.Reason, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("2026-07-22T03:59:59Z", true)] // 23:59:59 EDT (-04:00) on the last day
    [InlineData("2026-07-22T04:00:00Z", false)]
    public async Task A_date_only_expiry_in_summer_ends_at_midnight_daylight_time(string now, bool permitted)
    {
        var decision = await DecideAsync("pbpca", DisclosurePurpose.Treatment, At(now), Consent().With("expiresAt", "2026-07-21"));

        Assert.Equal(permitted, decision.IsPermitted);
    }

    [Theory]
    [InlineData("2027-01-20T23:59:58-05:00", true)]
    [InlineData("2027-01-20T23:59:59-05:00", false)] // now < expiresAt: the instant itself is expired
    [InlineData("2027-01-21T06:00:00Z", false)]
    public async Task A_date_time_expiry_ends_at_that_instant(string now, bool permitted)
    {
        var decision = await DecideAsync("pbpca", DisclosurePurpose.Treatment, At(now), Consent().With("expiresAt", "2027-01-20T23:59:59-05:00"));

        Assert.Equal(permitted, decision.IsPermitted);
    }

    [Fact]
    public async Task A_consent_signed_after_now_is_not_yet_in_effect()
    {
        var decision = await DecideAsync("pbpca", DisclosurePurpose.Treatment, At("2026-03-02T14:18:39-05:00"), Consent());

        Assert.False(decision.IsPermitted);
        Assert.Contains("not yet in effect", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_later_revoked_version_of_the_consent_denies()
    {
        var revoked = Consent().With("updatedAt", "2026-03-05T14:12:00-05:00").With("state", "revoked").With("revokedAt", "2026-03-05T14:08:00-05:00");

        var decision = await DecideAsync("pbpca", DisclosurePurpose.Treatment, Now, Consent(), revoked);

        Assert.False(decision.IsPermitted);
        Assert.Contains("revoked", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revocation_between_two_syncs_stops_the_second()
    {
        var revoked = Consent().With("updatedAt", "2026-03-05T14:12:00-05:00").With("state", "revoked").With("revokedAt", "2026-03-05T14:08:00-05:00");

        var first = await DecideAsync("pbpca", DisclosurePurpose.Treatment, At("2026-03-04T09:00:00-05:00"), Consent());
        var second = await DecideAsync("pbpca", DisclosurePurpose.Treatment, At("2026-03-06T09:00:00-05:00"), Consent(), revoked);

        Assert.True(first.IsPermitted);
        Assert.False(second.IsPermitted);
    }

    [Fact]
    public async Task A_separate_consent_revoked_after_this_one_was_signed_denies()
    {
        var other = Consent("CNS-2026-000100").With("signedAt", "2026-01-05T10:00:00-05:00").With("updatedAt", "2026-03-05T14:12:00-05:00")
            .With("state", "revoked").With("revokedAt", "2026-03-05T14:08:00-05:00");

        var decision = await DecideAsync("pbpca", DisclosurePurpose.Treatment, Now, Consent(), other);

        Assert.False(decision.IsPermitted);
        Assert.Contains("later revocation", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_consent_signed_after_an_earlier_revocation_permits()
    {
        var older = Consent("CNS-2026-000100").With("signedAt", "2026-01-05T10:00:00-05:00").With("updatedAt", "2026-02-01T09:05:00-05:00")
            .With("state", "revoked").With("revokedAt", "2026-02-01T09:00:00-05:00");

        var decision = await DecideAsync("pbpca", DisclosurePurpose.Treatment, Now, older, Consent());

        Assert.True(decision.IsPermitted);
        Assert.Equal("CNS-2026-000311", decision.ConsentRecordId);
    }

    [Fact]
    public async Task A_declined_consent_denies()
    {
        var decision = await DecideAsync("pbpca", DisclosurePurpose.Treatment, Now, Consent().With("state", "declined"));

        Assert.False(decision.IsPermitted);
        Assert.Contains("declined", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pbpca", DisclosurePurpose.Treatment)]
    [InlineData("bhn", DisclosurePurpose.Payment)]
    [InlineData("sfh", DisclosurePurpose.HealthCareOperations)]
    public async Task A_TPO_consent_covers_every_TPO_purpose_for_the_organizations_it_names(string organizationId, DisclosurePurpose purpose)
    {
        var tpo = Consent().With("recipients", Recipients("pbpca", "bhn", "sfh"))
            .With("purposes", Array("treatment", "payment", "health-care-operations")).With("dataScope", "all")
            .With("expiresAt", "2027-01-20T23:59:59-05:00");

        var decision = await DecideAsync(organizationId, purpose, Now, tpo);

        Assert.True(decision.IsPermitted);
        Assert.True(decision.IsTpoConsent);
        Assert.Contains("TPO", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_TPO_consent_does_not_cover_an_organization_it_does_not_name()
    {
        var tpo = Consent().With("purposes", Array("treatment", "payment", "health-care-operations"));

        Assert.False((await DecideAsync("sfh", DisclosurePurpose.Treatment, Now, tpo)).IsPermitted);
    }

    [Fact]
    public async Task Only_a_TPO_consent_may_have_no_expiry()
    {
        var tpo = Consent().With("purposes", Array("treatment", "payment", "health-care-operations")).Without("expiresAt");
        var treatmentOnly = Consent().Without("expiresAt");

        Assert.True((await DecideAsync("pbpca", DisclosurePurpose.Payment, Now, tpo)).IsPermitted);
        var denied = await DecideAsync("pbpca", DisclosurePurpose.Treatment, Now, treatmentOnly);
        Assert.False(denied.IsPermitted);
        Assert.Contains("no expiry date", denied.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_consent_for_treatment_does_not_permit_disclosure_for_payment()
    {
        var decision = await DecideAsync("pbpca", DisclosurePurpose.Payment, Now, Consent());

        Assert.False(decision.IsPermitted);
        Assert.Contains("does not cover the purpose payment", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_treatment_consent_is_not_a_disclosure_consent()
    {
        var treatment = Consent().With("consentType", "treatment").Without("dataScope").Without("purposes")
            .With("educationTopics", Array("dissociation"));

        var decision = await DecideAsync("pbpca", DisclosurePurpose.Treatment, Now, treatment);

        Assert.False(decision.IsPermitted);
    }

    [Fact]
    public async Task Exclude_counseling_notes_withholds_the_notes()
    {
        var notesConsent = Consent("CNS-2026-000400").With("consentType", "counseling-notes").With("dataScope", "all");

        var decision = await DecideAsync("pbpca", DisclosurePurpose.Treatment, Now, Consent(), notesConsent);

        Assert.True(decision.IsPermitted);
        Assert.True(decision.WithholdCounselingNotes);
        Assert.Null(decision.CounselingNotesConsentRecordId);
        Assert.Contains("excludes them", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Counseling_notes_go_only_under_their_own_consent()
    {
        var all = Consent().With("dataScope", "all");
        var notesConsent = Consent("CNS-2026-000400").With("consentType", "counseling-notes").With("dataScope", "all");

        var without = await DecideAsync("pbpca", DisclosurePurpose.Treatment, Now, all);
        var with = await DecideAsync("pbpca", DisclosurePurpose.Treatment, Now, all, notesConsent);
        var declined = await DecideAsync("pbpca", DisclosurePurpose.Treatment, Now, all, notesConsent.With("state", "declined"));

        Assert.True(without.IsPermitted && without.WithholdCounselingNotes);
        Assert.True(with.IsPermitted && !with.WithholdCounselingNotes);
        Assert.Equal("CNS-2026-000400", with.CounselingNotesConsentRecordId);
        Assert.True(declined.IsPermitted && declined.WithholdCounselingNotes);
    }

    [Fact]
    public async Task A_counseling_notes_consent_alone_permits_nothing()
    {
        var notesConsent = Consent().With("consentType", "counseling-notes").With("dataScope", "all");

        var decision = await DecideAsync("pbpca", DisclosurePurpose.Treatment, Now, notesConsent);

        Assert.False(decision.IsPermitted);
        Assert.Contains("counseling-notes consent alone", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_consent_that_arrives_after_the_data_permits_once_present()
    {
        var before = ConsentDecider.Decide([], "pbpca", DisclosurePurpose.Treatment, Now);
        var after = await DecideAsync("pbpca", DisclosurePurpose.Treatment, Now.AddDays(1), Consent());

        Assert.False(before.IsPermitted);
        Assert.True(after.IsPermitted);
    }

    [Theory]
    [InlineData("guardian")]
    [InlineData("representative")]
    public async Task A_consent_signed_by_a_guardian_or_representative_counts(string signedBy)
    {
        var decision = await DecideAsync("pbpca", DisclosurePurpose.Treatment, Now, Consent().With("signedBy", signedBy));

        Assert.True(decision.IsPermitted);
    }

    [Fact]
    public async Task An_entered_in_error_consent_is_ignored()
    {
        var withdrawn = Consent().With("updatedAt", "2026-03-03T08:00:00-05:00").With("status", "entered-in-error");

        var decision = await DecideAsync("pbpca", DisclosurePurpose.Treatment, Now, Consent(), withdrawn);

        Assert.False(decision.IsPermitted);
    }

    [Fact]
    public async Task An_entered_in_error_revocation_does_not_block()
    {
        var withdrawnRevocation = Consent("CNS-2026-000100").With("status", "entered-in-error").With("state", "revoked")
            .With("updatedAt", "2026-03-05T14:12:00-05:00").With("revokedAt", "2026-03-05T14:08:00-05:00");

        var decision = await DecideAsync("pbpca", DisclosurePurpose.Treatment, Now, Consent(), withdrawnRevocation);

        Assert.True(decision.IsPermitted);
    }

    [Fact]
    public async Task The_time_provider_overload_decides_at_its_time()
    {
        var records = await ReadAsync(Consent());

        Assert.True(ConsentDecider.Decide(records, "pbpca", DisclosurePurpose.Treatment, new FixedTime(Now)).IsPermitted);
        Assert.False(ConsentDecider.Decide(records, "pbpca", DisclosurePurpose.Treatment, new FixedTime(At("2027-03-03T00:00:00-05:00"))).IsPermitted);
    }

    [Fact]
    public async Task Reasons_and_errors_carry_no_patient_data()
    {
        var cases = new[]
        {
            await DecideAsync("pbpca", DisclosurePurpose.Treatment, Now, Consent()),
            await DecideAsync("pbpca", DisclosurePurpose.Payment, Now, Consent()),
            await DecideAsync("pbpca", DisclosurePurpose.Treatment, Now, Consent().With("state", "declined")),
            await DecideAsync("pbpca", DisclosurePurpose.Treatment, At("2028-01-01T00:00:00Z"), Consent()),
        };
        var otherPatient = Consent("CNS-2026-000101").With("patientMrn", "KWC-009999");
        var error = await Assert.ThrowsAsync<ArgumentException>(() => DecideAsync("pbpca", DisclosurePurpose.Treatment, Now, Consent(), otherPatient));

        foreach (var text in cases.Select(c => c.Reason).Append(error.Message))
        {
            Assert.DoesNotContain("KWC-", text, StringComparison.Ordinal);
            Assert.DoesNotContain("CNS-", text, StringComparison.Ordinal);
            Assert.DoesNotContain("2026", text, StringComparison.Ordinal);
            Assert.DoesNotContain("2027", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Samples_decide_as_the_consent_coverage_table_says()
    {
        var records = SampleInbox.Records;
        ConsentDecision Decide(string mrn, string org, DisclosurePurpose purpose = DisclosurePurpose.Treatment) =>
            ConsentDecider.Decide(records.Where(r => r.PatientMrn == mrn), org, purpose, At("2026-03-20T12:00:00-04:00"));

        Assert.True(Decide("KWC-004863", "bhn", DisclosurePurpose.Payment).IsTpoConsent); // CNS-2026-000211, TPO
        Assert.False(Decide("KWC-004937", "sfh").IsPermitted); // CNS-2026-000217, revoked 5 March
        Assert.False(Decide("KWC-004822", "sfh").IsPermitted); // CNS-2025-000472, expired 2025-12-31
        Assert.False(Decide("KWC-004822", "bhn").IsPermitted); // only a counseling-notes consent names bhn
        Assert.False(Decide("KWC-004925", "pbpca").IsPermitted); // CNS-2026-000244, declined
        Assert.Equal("CNS-2026-000239", Decide("KWC-004911", "bhn").ConsentRecordId); // guardian
        Assert.Equal("CNS-2025-000520", Decide("KWC-004963", "pbpca", DisclosurePurpose.Payment).ConsentRecordId); // representative
        Assert.True(Decide("KWC-004821", "pbpca").WithholdCounselingNotes); // CNS-2026-000311, exclude-counseling-notes
        Assert.True(Decide("KWC-004863", "bhn").WithholdCounselingNotes); // dataScope all, but no counseling-notes consent
        Assert.False(Decide("KWC-004944", "bhn").IsPermitted); // a counseling-notes consent, no disclosure consent
    }
}
