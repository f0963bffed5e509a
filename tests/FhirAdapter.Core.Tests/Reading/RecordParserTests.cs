using System.Text.Json.Nodes;
using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Tests.Support;

namespace FhirAdapter.Core.Tests.Reading;

public sealed class RecordParserTests
{
    [Theory]
    [InlineData("form")]
    [InlineData("intake")]
    [InlineData("consent")]
    [InlineData("session")]
    public async Task The_contract_examples_are_valid(string kind)
    {
        var item = await Read.OneAsync(RecordJson.Line(RecordJson.Example(kind)));

        Assert.Empty(item.Errors);
        Assert.Equal(kind, item.Record!.Kind.ToString(), ignoreCase: true);
    }

    [Theory]
    [InlineData("recordType", null, "recordType", "is required")]
    [InlineData("recordType", "lab", "recordType", "must be one of: form, intake, consent, session")]
    [InlineData("recordId", "has spaces", "recordId", "1-64 characters")]
    [InlineData("updatedAt", "2026-03-02T14:05:00", "updatedAt", "with an offset")]
    [InlineData("updatedAt", "yesterday", "updatedAt", "with an offset")]
    [InlineData("status", "deleted", "status", "must be one of: active, entered-in-error")]
    [InlineData("patient.mrn", null, "patient.mrn", "is required")]
    [InlineData("patient.dateOfBirth", "19/07/1984", "patient.dateOfBirth", "YYYY-MM-DD")]
    [InlineData("patient.sexAtBirth", "f", "patient.sexAtBirth", "must be one of: female, male, unknown")]
    [InlineData("submittedAt", null, "submittedAt", "is required")]
    public async Task An_invalid_intake_field_is_named_in_the_error(string path, string? value, string field, string message)
    {
        var record = RecordJson.Example("intake");
        record = value is null ? record.Without(path) : record.With(path, value);

        var item = await Read.OneAsync(RecordJson.Line(record));

        Assert.Null(item.Record);
        var error = Assert.Single(item.Errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(path == "recordId" ? null : "INT-2026-000123", error.RecordId);
    }

    [Theory]
    [InlineData("consentType", "marketing", "consentType")]
    [InlineData("state", "pending", "state")]
    [InlineData("signedBy", "friend", "signedBy")]
    [InlineData("expiresAt", "next year", "expiresAt")]
    public async Task An_invalid_consent_field_is_named_in_the_error(string path, string value, string field)
    {
        var item = await Read.OneAsync(RecordJson.Line(RecordJson.Example("consent").With(path, value)));

        Assert.Equal(field, Assert.Single(item.Errors).Field);
    }

    [Theory]
    [InlineData("medication", "propofol", "medication")]
    [InlineData("route", "rectal", "route")]
    [InlineData("dose.totalMg", -5, "dose.totalMg")]
    [InlineData("scores.moaas", 9, "scores.moaas")]
    [InlineData("sessionStatus", "done", "sessionStatus")]
    public async Task An_invalid_session_field_is_named_in_the_error(string path, object value, string field)
    {
        var node = value is string s ? JsonValue.Create(s) : JsonValue.Create((int)value);

        var item = await Read.OneAsync(RecordJson.Line(RecordJson.Example("session").With(path, node)));

        Assert.Equal(field, Assert.Single(item.Errors).Field);
    }

    [Fact]
    public async Task Every_problem_with_a_record_is_reported_at_once()
    {
        var record = RecordJson.Example("intake").With("patient.dateOfBirth", "soon").With("patient.sexAtBirth", "?").Without("submittedAt");

        var item = await Read.OneAsync(RecordJson.Line(record));

        Assert.Equal(["patient.dateOfBirth", "patient.sexAtBirth", "submittedAt"], item.Errors.Select(e => e.Field).Order());
    }

    [Fact]
    public async Task Unknown_fields_are_ignored_and_status_defaults_to_active()
    {
        var record = RecordJson.Example("consent").With("newField", "x").With("patientPortalId", 42).Without("status");

        var item = await Read.OneAsync(RecordJson.Line(record));

        Assert.Equal(RecordStatus.Active, item.Record!.Status);
    }

    [Fact]
    public async Task An_entered_in_error_record_is_read_as_such()
    {
        var item = await Read.OneAsync(RecordJson.Line(RecordJson.Example("session").With("status", "entered-in-error")));

        Assert.True(item.Record!.IsEnteredInError);
    }

    [Fact]
    public async Task Short_code_system_names_are_expanded()
    {
        var form = (await Read.OneAsync(RecordJson.Line(RecordJson.Example("form")))).Record!.As<FormPayload>();

        Assert.Equal("http://loinc.org", form.Items.Single(i => i.LinkId == "phq9").Code[0].System);
    }

    [Fact]
    public async Task A_form_whose_enableWhen_names_a_missing_item_is_rejected()
    {
        var form = RecordJson.Example("form");
        form["items"]![1]!["enableWhen"]!["linkId"] = "nowhere";

        var error = Assert.Single((await Read.OneAsync(RecordJson.Line(form))).Errors);

        Assert.Contains("'nowhere'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Error_messages_never_echo_a_patient_value()
    {
        var record = RecordJson.Example("intake").With("patient.dateOfBirth", "Maria-Alvarez-1984").With("patient.mrn", 4821);

        var item = await Read.OneAsync(RecordJson.Line(record));

        Assert.Equal(2, item.Errors.Count);
        Assert.All(item.Errors, e => Assert.DoesNotContain("Maria", e.ToString(), StringComparison.Ordinal));
        Assert.All(item.Errors, e => Assert.DoesNotContain("4821", e.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_same_record_has_the_same_content_hash_in_any_key_order_or_format()
    {
        var record = RecordJson.Example("consent");
        var reordered = new JsonObject(record.Reverse().Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())));

        var a = (await Read.OneAsync(RecordJson.Line(record))).Record!;
        var b = (await Read.OneAsync(RecordJson.Line(reordered.With("unknownExtra", true)))).Record!;
        var c = (await Read.OneAsync(RecordJson.Line(record.With("dataScope", "all")))).Record!;

        Assert.Equal(a.ContentHash, b.ContentHash);
        Assert.NotEqual(a.ContentHash, c.ContentHash);
    }
}
