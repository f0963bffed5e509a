using System.Net;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Core.Privacy;
using FhirAdapter.Testing;
using Hl7.Fhir.Model;

namespace FhirAdapter.Api.Tests;

/// <summary>
/// A bulk export is decided when it runs, but its data leaves when the client fetches the files, which may be hours later
/// (FileLifetime): every file fetched is decided again for the patients in the export. Review finding 2 (round 3).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ExportConsentTests(ApiFixture api)
{
    /// <summary>
    /// consent.md: "from the moment the revocation is read, every later decision for that organization is Deny, so nothing
    /// more about the patient goes there, by push or by pull". A revocation read between the export and the fetch of its
    /// files keeps the patient's data from leaving: the files are withdrawn (410, an OperationOutcome saying to export
    /// again), nothing is accounted for them, and a new export serves its files without the patient.
    /// </summary>
    [Fact]
    public async System.Threading.Tasks.Task Export_files_fetched_after_the_patients_revocation_was_read_do_not_carry_the_patient()
    {
        // The case under patient numbers of its own (93: revoked between the export and the fetch; 94: its consent stands).
        var @case = ConsentCases.Get(ConsentCases.RevokedBetweenSyncs);
        var (key, patientId) = await SampleStore.ArrivePatientAsync(api.Store, @case.NdjsonAs(93, @case.Records));
        var (_, otherId) = await SampleStore.ArrivePatientAsync(api.Store, @case.NdjsonAs(94, @case.Records));
        var token = await api.TokenAsync(api.CaseEhr);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"fhir/Patient/{patientId}", token)).Status); // permitted now

        var manifest = await ExportTests.ExportAsync(api, token, "fhir/Patient/$export?_type=Patient,Encounter");
        var outputs = manifest.GetProperty("output").EnumerateArray().Select(o => o.GetProperty("url").GetString()!).ToList();
        Assert.NotEmpty(outputs);

        // The revocation is read (the next sync); the client fetches its files afterwards.
        api.Time.Advance(TimeSpan.FromMinutes(1));
        await SampleStore.ArriveAsync(api.Store, @case.NdjsonAs(93, @case.Later));
        api.Time.Advance(TimeSpan.FromMinutes(1));
        token = await api.TokenAsync(api.CaseEhr);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"fhir/Patient/{patientId}", token)).Status); // denied now
        var accounted = (await api.Store.GetDisclosuresAsync(key, null, CancellationToken.None)).Count(d => d.Channel == DisclosureChannel.Pull);

        var leaked = new List<string>();
        var statuses = new List<HttpStatusCode>();
        foreach (var url in outputs)
        {
            using var file = await api.SendAsync(HttpMethod.Get, url, token);
            var body = await file.Content.ReadAsStringAsync();
            statuses.Add(file.StatusCode);
            if (file.StatusCode != HttpStatusCode.OK)
            {
                // Withdrawn: the client is told to export again, and not whose consent changed.
                var outcome = FhirJson.Parse<OperationOutcome>(body);
                Assert.Equal(OperationOutcome.IssueType.Suppressed, outcome.Issue.Single().Code);
                Assert.Contains("export again", outcome.Issue.Single().Diagnostics, StringComparison.Ordinal);
                Assert.DoesNotContain(patientId, body, StringComparison.Ordinal);
                continue;
            }

            foreach (var line in body.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var resource = FhirJson.Parse<Resource>(line);
                if (resource is Patient p && p.Id == patientId || resource is Encounter e && e.Subject?.Reference == $"Patient/{patientId}")
                {
                    leaked.Add($"{resource.TypeName}/{resource.Id}");
                }
            }
        }

        Assert.True(leaked.Count == 0, $"handed out after the revocation was read: {string.Join(", ", leaked)}");
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Gone, s)); // the whole export is withdrawn, not only the patient's lines
        Assert.Equal(accounted, (await api.Store.GetDisclosuresAsync(key, null, CancellationToken.None)).Count(d => d.Channel == DisclosureChannel.Pull));

        // Exporting again: the files are served, with the other patient and without this one.
        var again = await ExportTests.ExportAsync(api, token, "fhir/Patient/$export?_type=Patient,Encounter");
        var patients = new List<string?>();
        foreach (var output in again.GetProperty("output").EnumerateArray())
        {
            using var file = await api.SendAsync(HttpMethod.Get, output.GetProperty("url").GetString()!, token);
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            var body = await file.Content.ReadAsStringAsync();
            Assert.DoesNotContain($"Patient/{patientId}\"", body, StringComparison.Ordinal);
            patients.AddRange(body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(FhirJson.Parse<Resource>).OfType<Patient>().Select(p => p.Id));
        }

        Assert.Contains(otherId, patients);
        Assert.DoesNotContain(patientId, patients);
    }
}
