using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.Tests;

[Collection(ValidatorCollection.Name)]
public sealed class OptionsTests(ValidatorFixture fixture)
{
    private static Patient PatientWithMalformedBirthDate()
    {
        var patient = Samples.Patient();
        patient.BirthDateElement = new Date { JsonValue = "07/19/1984" };
        return patient;
    }

    [Fact]
    public void Values_quoted_by_the_validator_are_redacted_by_default()
    {
        var outcome = fixture.Validator.Validate(PatientWithMalformedBirthDate());

        var issue = OutcomeAssert.HasError(outcome, "Patient.birthDate");
        Assert.DoesNotContain("07/19/1984", OutcomeAssert.Describe(outcome), StringComparison.Ordinal);
        Assert.Contains("redacted", issue.Details.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_can_be_kept_and_unchecked_codes_reported()
    {
        var validator = new FhirResourceValidator(new FhirValidationOptions
        {
            RedactValues = false,
            ReportUncheckedCodes = true,
            WarmUp = false,
        });

        Assert.Contains("07/19/1984", OutcomeAssert.Describe(validator.Validate(PatientWithMalformedBirthDate())), StringComparison.Ordinal);

        var consent = Samples.TreatmentConsent();
        var outcome = validator.Validate(consent);
        OutcomeAssert.Valid(outcome);
        Assert.Contains(outcome.Issue, i => i.Severity == OperationOutcome.IssueSeverity.Warning
            && i.Details.Text.Contains("mimetypes", StringComparison.Ordinal));
    }

    [Fact]
    public void Arguments_are_guarded()
    {
        Assert.Throws<ArgumentNullException>(() => fixture.Validator.Validate(null!));
        Assert.Throws<ArgumentNullException>(() => new FhirResourceValidator((FhirValidationOptions)null!));
    }
}
