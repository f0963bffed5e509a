using System.Text.Json;
using System.Text.Json.Nodes;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Core.Tests.Support;
using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Tests.Mapping;

/// <summary>What must hold for every Bundle the samples produce, whatever the mapping details.</summary>
public sealed class BundleInvariantTests(SampleMapping samples) : IClassFixture<SampleMapping>
{
    private IEnumerable<Bundle> Bundles => samples.Result.Patients.Select(p => p.Bundle).Append(samples.Result.Questionnaires!);

    [Fact]
    public void The_samples_map_with_nothing_rejected_and_a_bundle_for_every_patient()
    {
        Assert.Empty(samples.Snapshot.Rejected);
        Assert.Empty(samples.Result.Rejected);
        Assert.True(samples.Result.Patients.Count >= 25, $"only {samples.Result.Patients.Count} patients");
        Assert.NotNull(samples.Result.Questionnaires);
    }

    [Fact]
    public void Every_bundle_is_a_transaction_of_conditional_updates()
    {
        foreach (var entry in Bundles.SelectMany(b => b.Entry))
        {
            Assert.Equal(Bundle.HTTPVerb.PUT, entry.Request!.Method);
            Assert.StartsWith($"{entry.Resource!.TypeName}?", entry.Request!.Url!, StringComparison.Ordinal);
            Assert.StartsWith("urn:uuid:", entry.FullUrl, StringComparison.Ordinal);
            Assert.Null(entry.Resource.Id);
        }

        Assert.All(Bundles, b => Assert.Equal(Bundle.BundleType.Transaction, b.Type));
    }

    [Fact]
    public void Each_conditional_url_names_an_identity_the_resource_carries()
    {
        foreach (var entry in Bundles.SelectMany(b => b.Entry))
        {
            var query = entry.Request!.Url![(entry.Request!.Url!.IndexOf('?', StringComparison.Ordinal) + 1)..];
            var carries = entry.Resource switch
            {
                Questionnaire q => query == $"url={q.Url}&version={q.Version}",
                Provenance p => p.Meta!.Tag.Any(t => query == $"_tag={t.System}|{t.Code}"),
                _ => Identifiers(entry.Resource!).Any(i => query == $"identifier={i.System}|{i.Value}"),
            };
            Assert.True(carries, $"{entry.Request!.Url!} does not match the resource it updates");
        }
    }

    [Fact]
    public void Full_urls_and_identities_are_unique_within_and_across_bundles()
    {
        foreach (var bundle in Bundles)
        {
            Assert.Equal(bundle.Entry.Count, bundle.Entry.Select(e => e.FullUrl).Distinct().Count());
        }

        // A resource belongs to one patient; only Practitioners (shared by NPI) may recur across Bundles.
        var owned = samples.Result.Patients.SelectMany(p => p.Bundle.Entry.Where(e => e.Resource is not Practitioner).Select(e => e.Request!.Url)).ToList();
        Assert.Equal(owned.Count, owned.Distinct().Count());
    }

    [Fact]
    public void Every_reference_resolves_inside_its_bundle()
    {
        foreach (var bundle in Bundles)
        {
            var fullUrls = bundle.Entry.Select(e => e.FullUrl).ToHashSet(StringComparer.Ordinal);
            foreach (var entry in bundle.Entry)
            {
                var json = JsonNode.Parse(FhirJson.Serialize(entry.Resource!, pretty: false))!;
                var contained = (json["contained"]?.AsArray() ?? []).Select(c => "#" + (string)c!["id"]!).ToHashSet(StringComparer.Ordinal);
                foreach (var reference in References(json))
                {
                    var ok = reference.StartsWith("urn:uuid:", StringComparison.Ordinal) ? fullUrls.Contains(reference) : contained.Contains(reference);
                    Assert.True(ok, $"{entry.Resource!.TypeName} in {entry.FullUrl} refers to {reference}, which is not in its Bundle");
                }
            }
        }
    }

    [Fact]
    public void Every_resource_parses_back_with_the_Firely_parser_unchanged()
    {
        foreach (var entry in Bundles.SelectMany(b => b.Entry))
        {
            var json = FhirJson.Serialize(entry.Resource!, pretty: false);
            var parsed = JsonSerializer.Deserialize<Resource>(json, FhirJson.Compact)!;
            Assert.Equal(json, FhirJson.Serialize(parsed, pretty: false));
        }
    }

    [Fact]
    public void Every_provenance_targets_every_other_entry_of_its_bundle()
    {
        foreach (var patient in samples.Result.Patients)
        {
            var provenance = patient.Bundle.Entry.Select(e => e.Resource).OfType<Provenance>().Single();
            var others = patient.Bundle.Entry.Where(e => e.Resource is not Provenance).Select(e => e.FullUrl);
            Assert.Equal(others.Order(), provenance.Target.Select(t => t.Reference).Order());
            Assert.Equal(patient.SourceRecordIds.Order(), provenance.Entity.Select(e => e.What!.Identifier!.Value).Order());
        }
    }

    [Fact]
    public void Profiled_resources_claim_their_profile()
    {
        foreach (var resource in Bundles.SelectMany(b => b.Entry).Select(e => e.Resource!))
        {
            var profiled = resource switch
            {
                Patient or Encounter or MedicationAdministration or Consent or QuestionnaireResponse => true,
                Observation o => o.Category.Any(c => c.Coding.Any(x => x.Code == "vital-signs")) || o.Value is Integer,
                _ => false,
            };
            if (profiled)
            {
                Assert.Single(resource.Meta!.Profile);
            }
        }
    }

    [Fact]
    public void Output_files_are_named_by_patient_key_and_never_carry_patient_data()
    {
        var mrns = samples.Snapshot.Records.Records.Select(r => r.PatientMrn).OfType<string>().Distinct().ToList();
        foreach (var name in samples.Files.Keys.Where(n => n != MappingOutput.QuestionnairesFile))
        {
            Assert.Matches("^p-[0-9a-f]{32}\\.json$", name);
        }

        Assert.All(samples.Result.Patients, p => Assert.DoesNotContain(p.PatientKey, mrns));
    }

    private static IEnumerable<Identifier> Identifiers(Resource resource) => resource switch
    {
        QuestionnaireResponse q => [q.Identifier!],
        AdverseEvent a => [a.Identifier!],
        _ => resource.GetType().GetProperty("Identifier")?.GetValue(resource) as IEnumerable<Identifier> ?? [],
    };

    private static IEnumerable<string> References(JsonNode node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    if (key == "reference" && value is JsonValue v)
                    {
                        yield return (string)v!;
                    }
                    else if (value is not null)
                    {
                        foreach (var r in References(value))
                        {
                            yield return r;
                        }
                    }
                }

                break;
            case JsonArray a:
                foreach (var r in a.OfType<JsonNode>().SelectMany(References))
                {
                    yield return r;
                }

                break;
        }
    }
}
