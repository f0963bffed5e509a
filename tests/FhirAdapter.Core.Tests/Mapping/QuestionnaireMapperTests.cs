using FhirAdapter.Core.Mapping;
using FhirAdapter.Core.Tests.Support;
using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Tests.Mapping;

public sealed class QuestionnaireMapperTests
{
    private static async Task<Questionnaire> IntakeForm() =>
        (Questionnaire)(await Map.RecordsAsync(RecordJson.Example("form"))).Questionnaires!.Entry.Single().Resource!;

    [Fact]
    public async Task A_form_becomes_a_versioned_questionnaire_updated_on_url_and_version()
    {
        var result = await Map.RecordsAsync(RecordJson.Example("form"));
        var entry = result.Questionnaires!.Entry.Single();
        var questionnaire = (Questionnaire)entry.Resource!;

        Assert.Equal("https://fhir.kwc.example/Questionnaire/intake", questionnaire.Url);
        Assert.Equal("3", questionnaire.Version);
        Assert.Equal(PublicationStatus.Active, questionnaire.Status);
        Assert.Equal("Questionnaire?url=https://fhir.kwc.example/Questionnaire/intake&version=3", entry.Request!.Url);
    }

    [Fact]
    public async Task Options_carry_their_LOINC_answer_codes_and_ordinal_scores()
    {
        var item = (await IntakeForm()).Item.Single(i => i.LinkId == "phq9").Item.Single(i => i.LinkId == "phq9-4");
        var nearlyEveryDay = (Coding)item.AnswerOption[3].Value;

        Assert.Equal(("http://loinc.org", "LA6571-9"), (nearlyEveryDay.System, nearlyEveryDay.Code));
        Assert.Equal(3m, ((FhirDecimal)nearlyEveryDay.GetExtension(Codes.OrdinalValueExtension)!.Value).Value);
        Assert.Equal("44254-1", item.Code.Single().Code);
        Assert.True(item.Required);
    }

    [Fact]
    public async Task A_calculated_total_is_read_only_and_enableWhen_is_typed_like_its_question()
    {
        var questionnaire = await IntakeForm();
        var total = questionnaire.Item.Single(i => i.LinkId == "phq9").Item.Single(i => i.LinkId == "phq9-total");
        var detail = questionnaire.Item.Single(i => i.LinkId == "prior-ketamine-detail");
        var other = questionnaire.Item.Single(i => i.LinkId == "reason-other");

        Assert.True(total.ReadOnly);
        Assert.IsType<FhirBoolean>(detail.EnableWhen.Single().Answer);
        Assert.Equal("other", ((Coding)other.EnableWhen.Single().Answer).Code);
        Assert.Equal(Questionnaire.QuestionnaireItemOperator.Equal, other.EnableWhen.Single().Operator);
    }

    [Fact]
    public async Task A_quantity_item_carries_its_UCUM_unit()
    {
        var weight = (await IntakeForm()).Item.Single(i => i.LinkId == "weight");

        Assert.Equal("kg", ((Coding)weight.GetExtension(Codes.QuestionnaireUnitExtension)!.Value).Code);
        Assert.Equal(Questionnaire.QuestionnaireItemType.Decimal, weight.Type);
    }
}
