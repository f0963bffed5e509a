using FhirAdapter.Core.Reading;
using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Mapping;

/// <summary>
/// Contraindications and misuse risk go where a clinician looks: every answered screening item is
/// an Observation; each positive one also raises a Flag (the chart banner); a ketamine allergy is
/// an AllergyIntolerance; misuse risk is a RiskAssessment, flagged when high or when diversion is a
/// concern.
/// </summary>
internal static class ContraindicationMapper
{
    private static readonly Dictionary<string, string> Displays = new(StringComparer.Ordinal)
    {
        ["uncontrolledHypertension"] = "Uncontrolled hypertension",
        ["psychosisHistory"] = "History of psychosis",
        ["maniaHistory"] = "History of mania",
        ["pregnant"] = "Pregnant",
        ["breastfeeding"] = "Breastfeeding",
        ["ketamineAllergy"] = "Ketamine allergy",
        ["severeCardiacDisease"] = "Severe cardiac disease",
        ["elevatedIntracranialPressure"] = "Elevated intracranial pressure",
    };

    public static void Map(PatientContext context, IntakePayload intake, FhirDateTime asserted)
    {
        var key = context.PatientKey;
        var system = ClinicCanonicals.CodeSystems.Contraindication;
        foreach (var (name, present) in intake.Contraindications)
        {
            var display = Displays[name];
            var code = Kebab(name);
            var observation = new Observation
            {
                Status = ObservationStatus.Final,
                Category = [FhirValues.Category("survey", "Survey")],
                Code = FhirValues.Concept(system, code, display, $"Ketamine contraindication screening: {display}"),
                Subject = context.Patient,
                Effective = asserted,
                Value = new FhirBoolean(present),
            };
            context.Add(observation, $"{key}.contraindication.{code}");

            // A Flag only for a positive answer, or to retire the Flag an earlier intake raised.
            if (!present && !context.Bundle.Contains("Flag", context.Canonicals.RecordSystem, $"{key}.flag.{code}"))
            {
                continue;
            }

            var flag = new Flag
            {
                Status = present ? Flag.FlagStatus.Active : Flag.FlagStatus.Inactive,
                Category = [FhirValues.Concept(Codes.FlagCategory, "clinical", "Clinical")],
                Code = FhirValues.Concept(system, code, display, $"Ketamine contraindication: {display}"),
                Subject = context.Patient,
                Period = new Period { StartElement = asserted },
            };
            context.Add(flag, $"{key}.flag.{code}");

        }

        if (intake.Contraindications.Any(c => c.Key == "ketamineAllergy" && c.Value)
            || context.Bundle.Contains("AllergyIntolerance", context.Canonicals.RecordSystem, $"{key}.allergy.ketamine"))
        {
            var present = intake.Contraindications.Any(c => c.Key == "ketamineAllergy" && c.Value);
            context.Add(Allergy(context, present, asserted), $"{key}.allergy.ketamine");
        }

        if (intake.MisuseRisk is { } risk)
        {
            MapMisuseRisk(context, risk, asserted);
        }
    }

    /// <summary>The export's field name as the package's code: uncontrolledHypertension → uncontrolled-hypertension.</summary>
    private static string Kebab(string name) =>
        string.Concat(name.Select(c => char.IsUpper(c) ? "-" + char.ToLowerInvariant(c) : c.ToString()));

    private static AllergyIntolerance Allergy(PatientContext context, bool present, FhirDateTime asserted) => new()
    {
        ClinicalStatus = FhirValues.Concept(Codes.AllergyClinical, present ? "active" : "inactive", present ? "Active" : "Inactive"),
        VerificationStatus = FhirValues.Concept(Codes.AllergyVerification, present ? "unconfirmed" : "refuted", present ? "Unconfirmed" : "Refuted"),
        Category = [AllergyIntolerance.AllergyIntoleranceCategory.Medication],
        Criticality = AllergyIntolerance.AllergyIntoleranceCriticality.High,
        Code = FhirValues.Concept(Codes.RxNorm, Codes.KetamineRxNorm, "ketamine", "Ketamine"),
        Patient = context.Patient,
        RecordedDate = asserted.Value,
    };

    private static void MapMisuseRisk(PatientContext context, MisuseRiskInfo risk, FhirDateTime asserted)
    {
        var system = ClinicCanonicals.CodeSystems.Risk;
        var assessment = new RiskAssessment
        {
            Status = ObservationStatus.Final,
            Code = FhirValues.Concept(system, "ketamine-misuse", "Ketamine misuse and diversion risk"),
            Subject = context.Patient,
            Occurrence = asserted,
            Prediction =
            [
                new RiskAssessment.PredictionComponent
                {
                    Outcome = FhirValues.Concept(system, "ketamine-misuse", "Ketamine misuse or diversion"),
                    QualitativeRisk = FhirValues.Concept(Codes.RiskProbability, risk.Level, char.ToUpperInvariant(risk.Level[0]) + risk.Level[1..] + " likelihood"),
                },
            ],
        };
        if (risk.PriorKetamineMisuse == true)
        {
            assessment.ReasonCode.Add(FhirValues.Concept(system, "prior-ketamine-misuse", "Prior ketamine misuse"));
        }

        if (risk.DiversionConcern == true)
        {
            assessment.ReasonCode.Add(FhirValues.Concept(system, "diversion-concern", "Diversion concern"));
        }

        if (risk.Notes is { } notes)
        {
            assessment.Note.Add(new Annotation { Text = new Markdown(notes) });
        }

        context.Add(assessment, $"{context.PatientKey}.misuse-risk");

        var raised = risk.Level == "high" || risk.DiversionConcern == true;
        if (!raised && !context.Bundle.Contains("Flag", context.Canonicals.RecordSystem, $"{context.PatientKey}.flag.misuse-risk"))
        {
            return;
        }

        var flag = new Flag
        {
            Status = raised ? Flag.FlagStatus.Active : Flag.FlagStatus.Inactive,
            Category = [FhirValues.Concept(Codes.FlagCategory, "clinical", "Clinical")],
            Code = FhirValues.Concept(system, "ketamine-misuse", "Ketamine misuse and diversion risk",
                risk.DiversionConcern == true ? "Ketamine diversion concern" : $"Ketamine misuse risk: {risk.Level}"),
            Subject = context.Patient,
            Period = new Period { StartElement = asserted },
        };
        context.Add(flag, $"{context.PatientKey}.flag.misuse-risk");
    }
}
