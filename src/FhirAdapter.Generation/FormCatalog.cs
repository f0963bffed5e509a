using System.Text.Json;

namespace FhirAdapter.Generation;

/// <summary>
/// The clinic's questionnaires as the generated records define them: the current new-patient
/// intake (version 3, with PHQ-9), GAD-7 and AUDIT-C, the same definitions as the samples'.
/// Intakes answer exactly these items, and never send the calculated totals.
/// </summary>
internal static class FormCatalog
{
    public const string IntakeForm = "intake";
    public const string IntakeVersion = "3";
    public const string Gad7Form = "gad7";
    public const string AuditCForm = "auditc";
    public const string FirstVersion = "1";

    /// <summary>PHQ-9 and GAD-7 answer codes (LOINC answer list), scored 0 to 3.</summary>
    public static readonly string[] FrequencyCodes = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"];

    private static readonly string[] FrequencyDisplays = ["Not at all", "Several days", "More than half the days", "Nearly every day"];

    public static readonly (string LinkId, string Loinc, string Text)[] Phq9Items =
    [
        ("phq9-1", "44250-9", "Little interest or pleasure in doing things"),
        ("phq9-2", "44255-8", "Feeling down, depressed, or hopeless"),
        ("phq9-3", "44259-0", "Trouble falling or staying asleep, or sleeping too much"),
        ("phq9-4", "44254-1", "Feeling tired or having little energy"),
        ("phq9-5", "44251-7", "Poor appetite or overeating"),
        ("phq9-6", "44258-2", "Feeling bad about yourself - or that you are a failure or have let yourself or your family down"),
        ("phq9-7", "44252-5", "Trouble concentrating on things, such as reading the newspaper or watching television"),
        ("phq9-8", "44253-3", "Moving or speaking so slowly that other people could have noticed, or the opposite"),
        ("phq9-9", "44260-8", "Thoughts that you would be better off dead, or of hurting yourself in some way"),
    ];

    public static readonly (string LinkId, string Loinc, string Text)[] Gad7Items =
    [
        ("gad7-1", "69725-0", "Feeling nervous, anxious, or on edge"),
        ("gad7-2", "68509-9", "Not being able to stop or control worrying"),
        ("gad7-3", "69733-4", "Worrying too much about different things"),
        ("gad7-4", "69734-2", "Trouble relaxing"),
        ("gad7-5", "69735-9", "Being so restless that it is hard to sit still"),
        ("gad7-6", "69689-8", "Becoming easily annoyed or irritable"),
        ("gad7-7", "69736-7", "Feeling afraid, as if something awful might happen"),
    ];

    /// <summary>GAD-7 difficulty (69722-7) answers; from memory in the samples too: verify.</summary>
    public static readonly string[] DifficultyCodes = ["LA6572-7", "LA6573-5", "LA6575-0", "LA6574-3"];

    private static readonly string[] DifficultyDisplays = ["Not difficult at all", "Somewhat difficult", "Very difficult", "Extremely difficult"];

    public const string NeverDrinks = "LA6270-8";

    public static readonly string[] AuditC1Codes = [NeverDrinks, "LA18926-8", "LA18927-6", "LA18928-4", "LA18929-2"];
    public static readonly string[] AuditC2Codes = ["LA15694-5", "LA15695-2", "LA18930-0", "LA18931-8", "LA18932-6"];
    public static readonly string[] AuditC3Codes = [NeverDrinks, "LA18933-4", "LA18876-5", "LA18891-4", "LA18934-2"];

    public static readonly string[] Reasons = ["depression", "anxiety", "ptsd", "ocd", "alcohol", "opioids", "cocaine", "other"];

    public static readonly string[] DrinkingGoals = ["abstinence", "reduce", "unsure"];

    /// <summary>Writes the forms as one JSON array; returns how many records it holds.</summary>
    public static int Write(Stream stream, string site, DateTimeOffset updatedAt)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JsonRecord.Encoder });
        w.WriteStartArray();
        WriteIntake(w, site, updatedAt);
        WriteGad7(w, site, updatedAt);
        WriteAuditC(w, site, updatedAt);
        w.WriteEndArray();
        w.Flush();
        return 3;
    }

    private static void Envelope(Utf8JsonWriter w, string recordId, string site, DateTimeOffset updatedAt, string formId, string version, string title, string? description)
    {
        w.WriteString("recordType", "form");
        w.WriteString("recordId", recordId);
        w.WriteString("updatedAt", ClinicClock.Iso(updatedAt));
        w.WriteString("site", site);
        w.WriteString("formId", formId);
        w.WriteString("version", version);
        w.WriteString("title", title);
        w.WriteString("status", "active");
        w.WriteString("publisher", "Ketamine & Wellness Clinic");
        if (description is not null)
        {
            w.WriteString("description", description);
        }
    }

    private static void WriteIntake(Utf8JsonWriter w, string site, DateTimeOffset updatedAt)
    {
        w.WriteStartObject();
        Envelope(w, "FORM-intake-3", site, updatedAt, IntakeForm, IntakeVersion, "New patient intake", null);
        w.WriteStartArray("items");
        Item(w, "reason", "What brings you to the clinic?", "choice", required: true, repeats: true,
            options: () => { foreach (var r in Reasons) { Option(w, r, char.ToUpperInvariant(r[0]) + r[1..], null, null); } });
        Item(w, "reason-other", "Please describe", "string", enableWhen: () => When(w, "reason", "=", a => a.WriteString("answer", "other")));
        Item(w, "phq9", "Over the last 2 weeks, how often have you been bothered by any of the following problems?", "group",
            code: () => Coding(w, "loinc", "44249-1", "PHQ-9 quick depression assessment panel"),
            children: () =>
            {
                foreach (var (linkId, loinc, text) in Phq9Items)
                {
                    FrequencyItem(w, linkId, loinc, text);
                }

                Item(w, "phq9-total", "PHQ-9 total score", "integer", code: () => Coding(w, "loinc", "44261-6", null),
                    score: () => SumOf(w, Phq9Items.Select(i => i.LinkId), null));
            });
        WeightItem(w);
        PriorKetamine(w);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteGad7(Utf8JsonWriter w, string site, DateTimeOffset updatedAt)
    {
        w.WriteStartObject();
        Envelope(w, "FORM-gad7-1", site, updatedAt, Gad7Form, FirstVersion, "Generalized Anxiety Disorder 7-item scale (GAD-7)",
            "Anxiety screening used at intake for patients referred for anxiety.");
        w.WriteStartArray("items");
        Item(w, "gad7-instructions", "Over the last 2 weeks, how often have you been bothered by the following problems?", "display");
        Item(w, "gad7", "GAD-7", "group", code: () => Coding(w, "loinc", "69737-5", "Generalized anxiety disorder 7 item (GAD-7)"),
            children: () =>
            {
                foreach (var (linkId, loinc, text) in Gad7Items)
                {
                    FrequencyItem(w, linkId, loinc, text);
                }

                Item(w, "gad7-total", "GAD-7 total score", "integer", code: () => Coding(w, "loinc", "70274-6", null),
                    score: () => SumOf(w, Gad7Items.Select(i => i.LinkId), ("70274-6", "Generalized anxiety disorder 7 item (GAD-7) total score")));
            });
        Item(w, "gad7-difficulty", "How difficult have these problems made it for you to do your work, take care of things at home, or get along with other people?", "choice",
            code: () => Coding(w, "loinc", "69722-7", null),
            options: () => { for (var i = 0; i < DifficultyCodes.Length; i++) { Option(w, DifficultyCodes[i], DifficultyDisplays[i], "loinc", null); } },
            enableWhen: () => When(w, "gad7-1", "exists", a => a.WriteBoolean("answer", true)));
        WeightItem(w);
        Item(w, "panic-attacks", "Have you had panic attacks in the last month?", "boolean");
        Item(w, "last-panic-attack", "Date of the most recent panic attack", "date", enableWhen: () => When(w, "panic-attacks", "=", a => a.WriteBoolean("answer", true)));
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteAuditC(Utf8JsonWriter w, string site, DateTimeOffset updatedAt)
    {
        string[] q1 = ["Never", "Monthly or less", "2-4 times a month", "2-3 times a week", "4 or more times a week"];
        string[] q2 = ["1 or 2", "3 or 4", "5 or 6", "7 to 9", "10 or more"];
        string[] q3 = ["Never", "Less than monthly", "Monthly", "Weekly", "Daily or almost daily"];
        w.WriteStartObject();
        Envelope(w, "FORM-auditc-1", site, updatedAt, AuditCForm, FirstVersion, "Alcohol Use Disorders Identification Test - Consumption (AUDIT-C) intake", null);
        w.WriteStartArray("items");
        Item(w, "auditc", "AUDIT-C", "group", code: () => Coding(w, "loinc", "72109-2", "Alcohol Use Disorder Identification Test - Consumption [AUDIT-C]"),
            children: () =>
            {
                Item(w, "auditc-1", "How often do you have a drink containing alcohol?", "choice", required: true, code: () => Coding(w, "loinc", "68518-0", null),
                    options: () => ScoredOptions(w, AuditC1Codes, q1));
                Item(w, "auditc-2", "How many standard drinks containing alcohol do you have on a typical day?", "choice", code: () => Coding(w, "loinc", "68519-8", null),
                    options: () => ScoredOptions(w, AuditC2Codes, q2), enableWhen: () => When(w, "auditc-1", "!=", a => a.WriteString("answer", NeverDrinks)));
                Item(w, "auditc-3", "How often do you have six or more drinks on one occasion?", "choice", code: () => Coding(w, "loinc", "68520-6", null),
                    options: () => ScoredOptions(w, AuditC3Codes, q3), enableWhen: () => When(w, "auditc-1", "!=", a => a.WriteString("answer", NeverDrinks)));
                Item(w, "auditc-total", "AUDIT-C total score", "integer", code: () => Coding(w, "loinc", "75626-2", null),
                    score: () => SumOf(w, ["auditc-1", "auditc-2", "auditc-3"], ("75626-2", "Total score [AUDIT-C]")));
            });
        Item(w, "drinking-goal", "What is your goal for drinking?", "choice",
            options: () => { foreach (var goal in DrinkingGoals) { Option(w, goal, char.ToUpperInvariant(goal[0]) + goal[1..], null, null); } });
        Item(w, "days-since-last-drink", "Days since your last drink", "integer", unit: "d");
        Item(w, "last-drink", "When was your last drink?", "dateTime");
        WeightItem(w);
        PriorKetamine(w);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void FrequencyItem(Utf8JsonWriter w, string linkId, string loinc, string text) =>
        Item(w, linkId, text, "choice", required: true, code: () => Coding(w, "loinc", loinc, null),
            options: () => ScoredOptions(w, FrequencyCodes, FrequencyDisplays));

    private static void ScoredOptions(Utf8JsonWriter w, string[] codes, string[] displays)
    {
        for (var i = 0; i < codes.Length; i++)
        {
            Option(w, codes[i], displays[i], "loinc", i);
        }
    }

    private static void WeightItem(Utf8JsonWriter w) =>
        Item(w, "weight", "Body weight", "decimal", code: () => Coding(w, "loinc", "29463-7", "Body weight"), unit: "kg");

    private static void PriorKetamine(Utf8JsonWriter w)
    {
        Item(w, "prior-ketamine", "Have you received ketamine or esketamine treatment before?", "boolean", required: true);
        Item(w, "prior-ketamine-detail", "Where, when and how did you respond?", "text", enableWhen: () => When(w, "prior-ketamine", "=", a => a.WriteBoolean("answer", true)));
    }

    private static void Item(
        Utf8JsonWriter w, string linkId, string text, string type, bool required = false, bool repeats = false,
        Action? code = null, Action? options = null, Action? enableWhen = null, string? unit = null, Action? score = null, Action? children = null)
    {
        w.WriteStartObject();
        w.WriteString("linkId", linkId);
        w.WriteString("text", text);
        w.WriteString("type", type);
        if (required)
        {
            w.WriteBoolean("required", true);
        }

        if (repeats)
        {
            w.WriteBoolean("repeats", true);
        }

        Array(w, "code", code);
        Array(w, "options", options);
        if (enableWhen is not null)
        {
            enableWhen();
        }

        if (unit is not null)
        {
            w.WriteString("unit", unit);
        }

        if (score is not null)
        {
            score();
        }

        Array(w, "items", children);
        w.WriteEndObject();
    }

    private static void Array(Utf8JsonWriter w, string name, Action? content)
    {
        if (content is not null)
        {
            w.WriteStartArray(name);
            content();
            w.WriteEndArray();
        }
    }

    private static void Coding(Utf8JsonWriter w, string system, string code, string? display)
    {
        w.WriteStartObject();
        w.WriteString("system", system);
        w.WriteString("code", code);
        if (display is not null)
        {
            w.WriteString("display", display);
        }

        w.WriteEndObject();
    }

    private static void Option(Utf8JsonWriter w, string code, string display, string? system, int? score)
    {
        w.WriteStartObject();
        w.WriteString("code", code);
        w.WriteString("display", display);
        if (system is not null)
        {
            w.WriteString("system", system);
        }

        if (score is { } s)
        {
            w.WriteNumber("score", s);
        }

        w.WriteEndObject();
    }

    private static void When(Utf8JsonWriter w, string linkId, string op, Action<Utf8JsonWriter> answer)
    {
        w.WriteStartObject("enableWhen");
        w.WriteString("linkId", linkId);
        w.WriteString("operator", op);
        answer(w);
        w.WriteEndObject();
    }

    private static void SumOf(Utf8JsonWriter w, IEnumerable<string> linkIds, (string Code, string Display)? code)
    {
        w.WriteStartObject("score");
        w.WriteStartArray("sumOf");
        foreach (var id in linkIds)
        {
            w.WriteStringValue(id);
        }

        w.WriteEndArray();
        if (code is { } c)
        {
            w.WriteStartObject("code");
            w.WriteString("system", "loinc");
            w.WriteString("code", c.Code);
            w.WriteString("display", c.Display);
            w.WriteEndObject();
        }

        w.WriteEndObject();
    }
}
