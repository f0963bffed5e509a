using System.Net;
using System.Text.Json.Nodes;
using FhirAdapter.Testing;

namespace FhirAdapter.Api.Tests;

/// <summary>
/// Consent versions the export gives with one updatedAt (docs/consent.md, versions): the more restrictive counts, so a
/// revocation exported without moving updatedAt stops the pull path like any other revocation ("any doubt denies").
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ConsentVersionTests(ApiFixture api)
{
    [Fact]
    public async Task A_revocation_exported_with_the_same_updatedAt_as_the_signed_version_stops_disclosure()
    {
        var @case = ConsentCases.Get(ConsentCases.RevokedBetweenSyncs);
        const int Patient = 98; // a patient of its own in the shared store
        var (_, patientId) = await SampleStore.ArrivePatientAsync(api.Store, @case.NdjsonAs(Patient, @case.Records));
        var token = await api.TokenAsync(api.CaseEhr);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"fhir/Patient/{patientId}", token)).Status);

        var signed = @case.Records.Single(r => (string?)r["recordType"] == "consent");
        var revoked = JsonNode.Parse(signed.ToJsonString())!.AsObject()
            .With("state", "revoked").With("revokedAt", "2026-03-20T07:30:00-04:00"); // updatedAt left as it was
        await SampleStore.ArriveAsync(api.Store, @case.NdjsonAs(Patient, [revoked]));
        api.Time.Advance(TimeSpan.FromMinutes(1));

        token = await api.TokenAsync(api.CaseEhr);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"fhir/Patient/{patientId}", token)).Status);
    }
}
