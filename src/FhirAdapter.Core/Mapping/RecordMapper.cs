using FhirAdapter.Core.Reading;
using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Mapping;

/// <summary>
/// Maps the current versions of the clinic's records to FHIR: one transaction Bundle per patient
/// (with a Provenance naming its source records) and one for the Questionnaires. Records whose
/// patient or form has not arrived are held; a record that cannot be mapped is rejected with the
/// field at fault, and never stops the others.
/// </summary>
public sealed class RecordMapper
{
    private readonly PatientKeys _keys;
    private readonly QuestionnaireMapper _questionnaires;

    public RecordMapper(MappingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Canonicals = new ClinicCanonicals(options.CanonicalBase);
        _keys = new PatientKeys(Canonicals.MrnSystem, options.PatientKeySecret);
        _questionnaires = new QuestionnaireMapper(Canonicals);
    }

    public ClinicCanonicals Canonicals { get; }

    public string PatientKey(string mrn) => _keys.For(mrn);

    public MappingResult Map(IEnumerable<ClinicRecord> records)
    {
        var patients = new List<PatientBundle>();
        return Map(records, patients.Add) with { Patients = patients };
    }

    /// <summary>
    /// Maps patient by patient, handing each patient's Bundle to <paramref name="onPatient"/> as soon as it is made
    /// (in patient-key order) and keeping none: a caller that writes each one out holds one patient's resources at a
    /// time. The result's <see cref="MappingResult.Patients"/> is empty.
    /// </summary>
    public MappingResult Map(IEnumerable<ClinicRecord> records, Action<PatientBundle> onPatient)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(onPatient);
        var all = records.ToList();
        var rejected = new List<RecordError>();
        var held = new List<HeldRecord>();

        var forms = CurrentForms(all.Where(r => r.Kind == RecordKind.Form), rejected);
        var formLookup = forms.ToDictionary(f => FormKey(f.As<FormPayload>().FormId, f.As<FormPayload>().Version), StringComparer.Ordinal);
        var questionnaires = MapQuestionnaires(forms, rejected);

        foreach (var group in all.Where(r => r.PatientMrn is not null).GroupBy(r => r.PatientMrn!, StringComparer.Ordinal).OrderBy(g => PatientKey(g.Key), StringComparer.Ordinal))
        {
            var result = MapPatient(group.Key, group.ToList(), formLookup);
            rejected.AddRange(result.Rejected);
            held.AddRange(result.Held);
            if (result.Bundle is not null)
            {
                onPatient(result.Bundle);
            }
        }

        return new MappingResult(questionnaires, [], held, rejected);
    }

    /// <summary>The result of mapping one patient's records.</summary>
    public sealed record PatientResult(PatientBundle? Bundle, IReadOnlyList<HeldRecord> Held, IReadOnlyList<RecordError> Rejected);

    /// <summary>Maps all current records of one patient; <paramref name="forms"/> is keyed by <see cref="FormKey"/>.</summary>
    public PatientResult MapPatient(string mrn, IReadOnlyList<ClinicRecord> records, IReadOnlyDictionary<string, ClinicRecord> forms)
    {
        ArgumentException.ThrowIfNullOrEmpty(mrn);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(forms);
        var held = new List<HeldRecord>();
        var rejected = new List<RecordError>();
        var context = new PatientContext(Canonicals, PatientKey(mrn), mrn);

        // Withdrawn intakes first, so an active intake's patient-level facts win; then by submission time.
        var intakes = records.Where(r => r.Kind == RecordKind.Intake)
            .OrderBy(r => r.IsEnteredInError ? 0 : 1)
            .ThenBy(r => r.As<IntakePayload>().SubmittedAt)
            .ThenBy(r => r.UpdatedAt)
            .ToList();
        var mappedIntakes = new List<ClinicRecord>();
        var sources = new List<ClinicRecord>();
        foreach (var intake in intakes)
        {
            var payload = intake.As<IntakePayload>();
            if (!forms.TryGetValue(FormKey(payload.FormId, payload.FormVersion), out var form))
            {
                held.Add(new HeldRecord(intake, $"form {payload.FormId} version {payload.FormVersion}"));
                continue;
            }

            var canonical = $"{Canonicals.QuestionnaireUrl(payload.FormId)}|{payload.FormVersion}";
            if (TryMap(intake, rejected, () => IntakeMapper.MapIntake(context, intake, form.As<FormPayload>(), canonical)))
            {
                mappedIntakes.Add(intake);
                sources.Add(intake);
            }
        }

        var others = records.Where(r => r.Kind is RecordKind.Consent or RecordKind.Session).OrderBy(r => r.RecordId, StringComparer.Ordinal).ToList();
        if (mappedIntakes.Count == 0)
        {
            held.AddRange(others.Select(r => new HeldRecord(r, "its patient's intake")));
            return new PatientResult(null, held, rejected);
        }

        var latest = mappedIntakes.Where(r => !r.IsEnteredInError).DefaultIfEmpty(mappedIntakes[^1]).Last();
        context.Bundle.Add(
            IntakeMapper.MapPatient(context, latest.As<IntakePayload>().Patient, mappedIntakes.Any(r => !r.IsEnteredInError)),
            Canonicals.MrnSystem,
            mrn);

        foreach (var record in others)
        {
            var mapped = record.Kind == RecordKind.Consent
                ? TryMap(record, rejected, () => ConsentMapper.Map(context, record))
                : TryMap(record, rejected, () => SessionMapper.Map(context, record));
            if (mapped)
            {
                sources.Add(record);
            }
        }

        foreach (var course in sources.Where(r => r.Kind == RecordKind.Session && r.As<SessionPayload>().Course is not null)
                     .GroupBy(r => r.As<SessionPayload>().Course!.CourseId, StringComparer.Ordinal))
        {
            SessionMapper.MapCourse(context, course.Key, course.OrderBy(r => r.As<SessionPayload>().Course!.SessionNumber).ToList());
        }

        AddProvenance(context, sources);
        var bundle = new PatientBundle(context.PatientKey, context.Bundle.Build(), sources.Select(r => r.RecordId).ToList());
        return new PatientResult(bundle, held, rejected);
    }

    public static string FormKey(string formId, string version) => $"{formId}|{version}";

    /// <summary>
    /// One definition per form version. Two records defining the same version contradict each
    /// other: the later one is used and the other rejected, so clinic IT sees the clash.
    /// </summary>
    public static IReadOnlyList<ClinicRecord> CurrentForms(IEnumerable<ClinicRecord> forms, List<RecordError> rejected)
    {
        ArgumentNullException.ThrowIfNull(forms);
        ArgumentNullException.ThrowIfNull(rejected);
        var current = new List<ClinicRecord>();
        foreach (var group in forms.GroupBy(f => FormKey(f.As<FormPayload>().FormId, f.As<FormPayload>().Version), StringComparer.Ordinal))
        {
            var ordered = group.OrderByDescending(f => f.UpdatedAt).ThenBy(f => f.RecordId, StringComparer.Ordinal).ToList();
            current.Add(ordered[0]);
            rejected.AddRange(ordered.Skip(1).Select(f => new RecordError(f.Source, f.RecordId, "formId",
                $"form {group.Key.Replace("|", " version ", StringComparison.Ordinal)} is also defined by record {ordered[0].RecordId}, which is newer and is used instead")));
        }

        return current;
    }

    /// <summary>All forms' Questionnaires in one transaction, each a conditional update on url and version.</summary>
    public Bundle? MapQuestionnaires(IEnumerable<ClinicRecord> forms, List<RecordError> rejected)
    {
        ArgumentNullException.ThrowIfNull(forms);
        ArgumentNullException.ThrowIfNull(rejected);
        var builder = new TransactionBuilder();
        foreach (var form in forms.OrderBy(f => f.RecordId, StringComparer.Ordinal))
        {
            Questionnaire? questionnaire = null;
            if (TryMap(form, rejected, () => questionnaire = _questionnaires.Map(form)))
            {
                var payload = form.As<FormPayload>();
                builder.Add(questionnaire!, Canonicals.RecordSystem, FormKey(payload.FormId, payload.Version),
                    $"Questionnaire?url={questionnaire!.Url}&version={payload.Version}");
            }
        }

        return builder.Count == 0 ? null : builder.Build();
    }

    private static void AddProvenance(PatientContext context, IReadOnlyList<ClinicRecord> sources)
    {
        var provenance = new Provenance
        {
            Target = [.. context.Bundle.Entries.Select(e => new ResourceReference(e.FullUrl))],
            Recorded = sources.Max(r => r.UpdatedAt),
            Activity = FhirValues.Concept("http://terminology.hl7.org/CodeSystem/v3-DataOperation", "UPDATE", "revise"),
            Agent =
            [
                new Provenance.AgentComponent
                {
                    Type = FhirValues.Concept(Codes.ProvenanceParticipantType, "assembler", "Assembler"),
                    Who = new ResourceReference { Display = "FhirAdapter (clinic export to FHIR)" },
                },
            ],
            Entity = [.. sources.OrderBy(r => r.RecordId, StringComparer.Ordinal).Select(r => new Provenance.EntityComponent
            {
                Role = Provenance.ProvenanceEntityRole.Source,
                What = new ResourceReference
                {
                    Identifier = FhirValues.Identifier(context.Canonicals.RecordSystem, r.RecordId),
                    Display = $"clinic {r.Kind.ToString().ToLowerInvariant()} record {r.RecordId} of {FhirValues.DateTime(r.UpdatedAt)}",
                },
            })],
        };

        // R4 Provenance has no identifier: a tag gives it a stable identity to update conditionally.
        var value = $"{context.PatientKey}.provenance";
        provenance.Meta = new Meta { Tag = [FhirValues.Coding(context.Canonicals.RecordSystem, value)] };
        context.Bundle.Add(provenance, context.Canonicals.RecordSystem, value, $"Provenance?_tag={context.Canonicals.RecordSystem}|{value}");
    }

    /// <summary>Runs one record's mapping; a failure rejects that record alone, naming its field.</summary>
    private static bool TryMap(ClinicRecord record, List<RecordError> rejected, Action map)
    {
        try
        {
            map();
            return true;
        }
        catch (MappingException ex)
        {
            rejected.AddRange(ex.Errors.Select(e => new RecordError(record.Source, record.RecordId, e.Field, e.Message)));
            return false;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException or KeyNotFoundException or OverflowException)
        {
            // A mapping bug must not take the run down; the exception type (never its message, which may quote data) is reported.
            rejected.Add(new RecordError(record.Source, record.RecordId, "", $"could not be mapped ({ex.GetType().Name}); please report this to the FhirAdapter developers"));
            return false;
        }
    }
}
