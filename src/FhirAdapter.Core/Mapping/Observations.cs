using FhirAdapter.Core.Reading;
using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Mapping;

/// <summary>The Observation shapes the mapping makes: vital signs (LOINC, UCUM), scores and social history.</summary>
internal static class Observations
{
    private static ObservationStatus Status(bool withdrawn) => withdrawn ? ObservationStatus.EnteredInError : ObservationStatus.Final;

    public static Observation Vital(PatientContext context, string loinc, string display, Quantity value, DataType effective, bool withdrawn) => new()
    {
        Meta = FhirValues.Profile(ClinicCanonicals.Profiles.VitalSigns),
        Status = Status(withdrawn),
        Category = [FhirValues.Category("vital-signs", "Vital Signs")],
        Code = FhirValues.Concept(Codes.Loinc, loinc, display, display),
        Subject = context.Patient,
        Effective = effective,
        Value = value,
    };

    public static Observation Weight(PatientContext context, decimal kg, DataType effective, bool withdrawn) =>
        Vital(context, Codes.BodyWeight, "Body weight", FhirValues.Quantity(kg, "kg"), effective, withdrawn);

    public static Observation OxygenSaturation(PatientContext context, decimal percent, DataType effective, bool withdrawn)
    {
        var observation = Vital(context, Codes.OxygenSaturation, "Oxygen saturation in Arterial blood", FhirValues.Quantity(percent, "%"), effective, withdrawn);
        observation.Code.Coding.Add(FhirValues.Coding(Codes.Loinc, Codes.OxygenSaturationPulseOx, "Oxygen saturation in Arterial blood by Pulse oximetry"));
        observation.Code.Text = "Oxygen saturation (pulse oximetry)";
        return observation;
    }

    public static Observation BloodPressure(PatientContext context, int? systolic, int? diastolic, DataType effective, bool withdrawn)
    {
        var observation = Vital(context, Codes.BloodPressurePanel, "Blood pressure panel with all children optional", null!, effective, withdrawn);
        observation.Value = null;
        observation.Code.Text = "Blood pressure";
        observation.Component.Add(Component(Codes.Systolic, "Systolic blood pressure", systolic));
        observation.Component.Add(Component(Codes.Diastolic, "Diastolic blood pressure", diastolic));
        return observation;

        static Observation.ComponentComponent Component(string code, string display, int? value) => new()
        {
            Code = FhirValues.Concept(Codes.Loinc, code, display),
            Value = value is { } v ? FhirValues.Quantity(v, "mm[Hg]", "mm[Hg]") : null,
            DataAbsentReason = value is null ? FhirValues.Concept("http://terminology.hl7.org/CodeSystem/data-absent-reason", "not-performed", "Not Performed") : null,
        };
    }

    /// <summary>An assessment total (PHQ-9, GAD-7, CADSS, MOAA/S).</summary>
    public static Observation Score(PatientContext context, CodeableConcept code, int value, DataType effective, bool withdrawn) => new()
    {
        Meta = FhirValues.Profile(ClinicCanonicals.Profiles.Score),
        Status = Status(withdrawn),
        Category = [FhirValues.Category("survey", "Survey")],
        Code = code,
        Subject = context.Patient,
        Effective = effective,
        Value = new Integer(value),
    };

    public static Observation SubstanceUse(PatientContext context, SubstanceUseInfo use, DataType effective)
    {
        var (code, display) = use.Substance switch
        {
            "alcohol" => (Codes.AlcoholUseHistory, "History of Alcohol use"),
            "nicotine" => (Codes.TobaccoUseHistory, "History of Tobacco use"),
            _ => (Codes.DrugUseHistory, "History of Other nonmedical drug use"),
        };
        var observation = new Observation
        {
            Status = ObservationStatus.Final,
            Category = [FhirValues.Category("social-history", "Social History")],
            Code = FhirValues.Concept(Codes.Loinc, code, display),
            Subject = context.Patient,
            Effective = effective,
            Value = FhirValues.Concept(ClinicCanonicals.CodeSystems.Substance, use.Substance),
        };
        var local = ClinicCanonicals.CodeSystems.Observation;
        if (use.Pattern is { } pattern)
        {
            observation.Component.Add(new Observation.ComponentComponent
            {
                Code = FhirValues.Concept(local, "pattern", "Pattern of use"),
                Value = FhirValues.Concept(ClinicCanonicals.CodeSystems.UsePattern, pattern),
            });
        }

        if (use.YearsOfUse is { } years)
        {
            observation.Component.Add(new Observation.ComponentComponent
            {
                Code = FhirValues.Concept(local, "years-of-use", "Years of use"),
                Value = FhirValues.Quantity(years, "a"),
            });
        }

        if (use.LastUseDate is { } lastUse)
        {
            observation.Component.Add(new Observation.ComponentComponent
            {
                Code = FhirValues.Concept(local, "last-use-date", "Date of last use"),
                Value = new FhirDateTime(lastUse),
            });
        }

        return observation;
    }
}
