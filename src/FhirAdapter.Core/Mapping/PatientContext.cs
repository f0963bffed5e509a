using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Mapping;

/// <summary>What every mapper of one patient's records shares: the Bundle being built and how to name things in it.</summary>
internal sealed class PatientContext(ClinicCanonicals canonicals, string patientKey, string mrn)
{
    public ClinicCanonicals Canonicals { get; } = canonicals;

    public string PatientKey { get; } = patientKey;

    public TransactionBuilder Bundle { get; } = new();

    public ResourceReference Patient => TransactionBuilder.Reference("Patient", Canonicals.MrnSystem, Mrn);

    public string Mrn { get; } = mrn;

    /// <summary>Adds a resource identified by a value under the record system, and sets that identifier on it.</summary>
    public ResourceReference Add<T>(T resource, string identifierValue) where T : Resource
    {
        var system = Canonicals.RecordSystem;
        var identifier = FhirValues.Identifier(system, identifierValue);
        switch (resource)
        {
            case Observation o: o.Identifier = [identifier]; break;
            case Condition c: c.Identifier = [identifier]; break;
            case MedicationStatement m: m.Identifier = [identifier]; break;
            case MedicationAdministration m: m.Identifier = [identifier]; break;
            case Encounter e: e.Identifier = [identifier]; break;
            case Consent c: c.Identifier = [identifier]; break;
            case QuestionnaireResponse q: q.Identifier = identifier; break;
            case Flag f: f.Identifier = [identifier]; break;
            case RiskAssessment r: r.Identifier = [identifier]; break;
            case AllergyIntolerance a: a.Identifier = [identifier]; break;
            case ServiceRequest s: s.Identifier = [identifier]; break;
            case AdverseEvent a: a.Identifier = identifier; break;
            case DocumentReference d: d.Identifier = [identifier]; break;
            case Provenance: break; // Provenance has no identifier in R4: it is found by target.
            default: throw new ArgumentException($"{resource.TypeName} has no identifier mapping here.", nameof(resource));
        }

        return Bundle.Add(resource, system, identifierValue);
    }

    /// <summary>A Practitioner by NPI in the Bundle, or a display-only reference when there is no NPI.</summary>
    public ResourceReference Practitioner(string name, string? npi)
    {
        if (npi is null)
        {
            return new ResourceReference { Display = name };
        }

        var practitioner = new Practitioner
        {
            Identifier = [FhirValues.Identifier(Codes.Npi, npi)],
            Name = [new HumanName { Text = name }],
        };
        var reference = Bundle.Add(practitioner, Codes.Npi, npi);
        reference.Display = name;
        return reference;
    }
}
