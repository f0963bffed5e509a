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
    public void The_fast_path_is_on_by_default_and_a_double_check_gives_a_fast_accepted_resource_Firelys_outcome()
    {
        Assert.True(fixture.Validator.FastPathEnabled);
        var validator = new FhirResourceValidator(new FhirValidationOptions { FastPathDoubleCheck = 1, WarmUp = false });
        var disagreements = 0;
        validator.FastPathDisagreed += _ => disagreements++;
        var resources = new Resource[] { Samples.Patient(), Samples.Phq9Total(), PatientWithMalformedBirthDate() };

        var outcomes = resources.Select(validator.Validate).ToList();

        var counts = validator.FastPathCounts;
        Assert.Equal(2, counts.Accepted);
        Assert.Equal(2, counts.DoubleChecked);
        Assert.Equal(1, counts.SentToFirely);
        Assert.Equal(0, disagreements);
        Assert.Empty(outcomes[0].Issue);
        Assert.Empty(outcomes[1].Issue);
        OutcomeAssert.HasError(outcomes[2], "Patient.birthDate");
    }

    [Fact]
    public void Arguments_are_guarded()
    {
        Assert.Throws<ArgumentNullException>(() => fixture.Validator.Validate(null!));
        Assert.Throws<ArgumentNullException>(() => new FhirResourceValidator((FhirValidationOptions)null!));
    }
}
