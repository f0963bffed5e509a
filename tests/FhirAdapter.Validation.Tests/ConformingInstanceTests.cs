namespace FhirAdapter.Validation.Tests;

[Collection(ValidatorCollection.Name)]
public sealed class ConformingInstanceTests(ValidatorFixture fixture)
{
    public static TheoryData<string> SampleNames() => new(Samples.All.Keys);

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void A_conforming_instance_validates_without_errors(string sample)
    {
        var outcome = fixture.Validator.Validate(Samples.All[sample]());

        OutcomeAssert.Valid(outcome);
    }

    [Theory]
    [MemberData(nameof(SampleNames))]
    public void A_conforming_instance_raises_no_warnings_either(string sample)
    {
        var outcome = fixture.Validator.Validate(Samples.All[sample]());

        Assert.True(outcome.Issue.All(i => i.Severity is Hl7.Fhir.Model.OperationOutcome.IssueSeverity.Information),
            OutcomeAssert.Describe(outcome));
    }
}
