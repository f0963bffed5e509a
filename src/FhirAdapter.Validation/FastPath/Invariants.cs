using System.Globalization;
using Hl7.Fhir.Model;

namespace FhirAdapter.Validation.FastPath;

/// <summary>
/// FHIRPath invariants of the core specification and of the clinic's package, as C# predicates over the POCOs.
/// Each is keyed by its key and its exact expression: a changed expression (a new package version, another core
/// release) has no predicate, and the plan sends the elements it applies to to Firely. A predicate returns true
/// only where Firely's evaluation is certainly <c>true</c>; where the answer would take FHIRPath subtleties
/// (a primitive with extensions but no value, dates of different precision) it returns false and Firely decides.
/// Each is held to Firely's own evaluation, true and false cases, by InvariantDifferentialTests.
/// </summary>
internal static class Invariants
{
    private const string Loinc = "http://loinc.org";
    private const string Assessment = "https://fhir.kwc.example/CodeSystem/kwc-assessment";
    private const string ConditionVerification = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    private const string AllergyVerification = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";
    private static readonly System.Buffers.SearchValues<char> HexDigits = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF");

    private static readonly Dictionary<(string Key, string Expression), Func<object, FastRun, bool>> Table = new()
    {
        // Resources with contained resources (dom-*): trivially true without any.
        [("dom-2", "contained.contained.empty()")] = (n, _) => Contained(n, c => c is not DomainResource d || d.Contained.Count == 0),
        [("dom-3", "contained.where((('#'+id in (%resource.descendants().reference | %resource.descendants().as(canonical) | %resource.descendants().as(uri) | %resource.descendants().as(url))) or descendants().where(reference = '#').exists() or descendants().where(as(canonical) = '#').exists() or descendants().where(as(canonical) = '#').exists()).not()).trace('unmatched', id).empty()")] =
            (n, run) => Contained(n, c => c.Id is { Length: > 0 } id && IsReferenced(run.Current, "#" + id)),
        [("dom-4", "contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()")] = (n, _) => Contained(n, c => c.Meta is null || (c.Meta.VersionIdElement is null && c.Meta.LastUpdatedElement is null)),
        [("dom-5", "contained.meta.security.empty()")] = (n, _) => Contained(n, c => c.Meta is null || c.Meta.Security.Count == 0),

        // Datatypes.
        [("qty-3", "code.empty() or system.exists()")] = (n, _) => n is Quantity q && (q.CodeElement is null || Primitives.HasValue(q.SystemElement)),
        [("sqty-1", "comparator.empty()")] = (n, _) => n is Quantity q && q.ComparatorElement is null,
        [("ref-1", "reference.exists() implies (reference.startsWith('#').not() or (reference.substring(1) in %rootResource.contained.id))")] = Ref1,
        [("per-1", "start.hasValue().not() or end.hasValue().not() or (start <= end)")] = Per1,
        [("rng-2", "low.empty() or high.empty() or (low <= high)")] = (n, _) => n is Hl7.Fhir.Model.Range r && (r.Low is null || r.High is null),
        [("drt-1", "code.exists() implies ((system = %ucum) and value.exists())")] = (n, _) => n is Quantity q && (q.CodeElement is null
            || (q.System == "http://unitsofmeasure.org" && Primitives.HasValue(q.ValueElement))),

        // Observation and the vital signs profile.
        [("obs-3", "low.exists() or high.exists() or text.exists()")] = (n, _) => n is Observation.ReferenceRangeComponent r && (r.Low is not null || r.High is not null || Primitives.HasValue(r.TextElement)),
        [("obs-6", "dataAbsentReason.empty() or value.empty()")] = (n, _) => n is Observation o && (o.DataAbsentReason is null || o.Value is null),
        [("obs-7", "value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()")] = Obs7,
        [("vs-1", "$this is dateTime implies $this.toString().length() >= 10")] = (n, _) => n is not FhirDateTime dt || (dt.JsonValue is string { Length: >= 10 } && dt.HasValidValue()),
        [("vs-2", "(component.empty() and hasMember.empty()) implies (dataAbsentReason.exists() or value.exists())")] = (n, _) => n is Observation o
            && (o.Component.Count > 0 || o.HasMember.Count > 0 || o.DataAbsentReason is not null || o.Value is not null),
        [("vs-3", "value.exists() or dataAbsentReason.exists()")] = (n, _) => n is Observation.ComponentComponent c && (c.Value is not null || c.DataAbsentReason is not null),

        // The clinic's own.
        [("kwc-vs-1", "code.coding.where(system = 'http://loinc.org' and code = '85354-9').exists() implies (value.empty() and component.exists())")] =
            (n, _) => n is Observation o && (!HasCoding(o.Code, Loinc, "85354-9") || (o.Value is null && o.Component.Count > 0)),
        [("kwc-score-1", "code.coding.where(system = 'http://loinc.org' and code = '44261-6').exists() implies value.ofType(integer).all($this >= 0 and $this <= 27)")] = Score(Loinc, "44261-6", 27),
        [("kwc-score-2", "code.coding.where(system = 'http://loinc.org' and code = '70274-6').exists() implies value.ofType(integer).all($this >= 0 and $this <= 21)")] = Score(Loinc, "70274-6", 21),
        [("kwc-score-3", "code.coding.where(system = 'https://fhir.kwc.example/CodeSystem/kwc-assessment' and code = 'cadss').exists() implies value.ofType(integer).all($this >= 0 and $this <= 92)")] = Score(Assessment, "cadss", 92),
        [("kwc-score-4", "code.coding.where(system = 'https://fhir.kwc.example/CodeSystem/kwc-assessment' and code = 'moaas').exists() implies value.ofType(integer).all($this >= 0 and $this <= 5)")] = Score(Assessment, "moaas", 5),
        [("kwc-score-5", "code.coding.where(system = 'https://fhir.kwc.example/CodeSystem/kwc-assessment' and code = 'ybocs').exists() implies value.ofType(integer).all($this >= 0 and $this <= 40)")] = Score(Assessment, "ybocs", 40),
        [("kwc-enc-1", "status = 'finished' implies period.end.exists()")] = (n, _) => n is Encounter e
            && ((e.StatusElement?.JsonValue is string status && status != "finished") || (e.Period?.EndElement is { } end && Primitives.HasValue(end))),
        [("kwc-num-1", "value.ofType(integer).all($this >= 1)")] = (n, _) => n is Extension x && (x.Value is not Integer i || i.JsonValue is int and >= 1),

        // MedicationAdministration.
        [("mad-1", "dose.exists() or rate.exists()")] = (n, _) => n is MedicationAdministration.DosageComponent d && (d.Dose is not null || d.Rate is not null),
        [("kwc-mad-1", "(status != 'not-done' and dosage.route.coding.where(system = 'http://snomed.info/sct' and code = '47625008').exists()) implies (dosage.rate.exists() or effective.ofType(Period).end.exists())")] =
            (n, _) => n is MedicationAdministration m && (!HasCoding(m.Dosage?.Route, "http://snomed.info/sct", "47625008") || m.StatusElement?.JsonValue as string == "not-done"
                || m.Dosage?.Rate is not null || (m.Effective is Period p && p.EndElement is { } end && Primitives.HasValue(end))),

        // Consent.
        [("ppc-1", "policy.exists() or policyRule.exists()")] = (n, _) => n is Consent c && (c.Policy.Count > 0 || c.PolicyRule is not null),
        [("ppc-2", "patient.exists() or scope.coding.where(system='something' and code='patient-privacy').exists().not()")] = (n, _) => n is Consent c && (c.Patient is not null || !HasCoding(c.Scope, "something", "patient-privacy")),
        [("ppc-3", "patient.exists() or scope.coding.where(system='something' and code='research').exists().not()")] = (n, _) => n is Consent c && (c.Patient is not null || !HasCoding(c.Scope, "something", "research")),
        [("ppc-4", "patient.exists() or scope.coding.where(system='something' and code='adr').exists().not()")] = (n, _) => n is Consent c && (c.Patient is not null || !HasCoding(c.Scope, "something", "adr")),
        [("ppc-5", "patient.exists() or scope.coding.where(system='something' and code='treatment').exists().not()")] = (n, _) => n is Consent c && (c.Patient is not null || !HasCoding(c.Scope, "something", "treatment")),
        [("kwc-p2-1", "provision.actor.where(role.coding.where(system = 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType' and code = 'IRCP').exists()).exists()")] =
            (n, _) => n is Consent c && c.Provision is not null && c.Provision.Actor.Any(a => HasCoding(a.Role, "http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP")),
        [("kwc-p2-2", "policyRule.coding.where(system = 'http://terminology.hl7.org/CodeSystem/v3-ActCode' and code = '42CFRPart2').exists()")] =
            (n, _) => n is Consent c && HasCoding(c.PolicyRule, "http://terminology.hl7.org/CodeSystem/v3-ActCode", "42CFRPart2"),
        [("kwc-p2-3", "status = 'rejected' or provision.type = 'permit'")] =
            (n, _) => n is Consent c && (c.StatusElement?.JsonValue as string == "rejected" || c.Provision?.TypeElement?.JsonValue as string == "permit"),

        // Condition.
        [("con-3", "clinicalStatus.exists() or verificationStatus.coding.where(system='http://terminology.hl7.org/CodeSystem/condition-ver-status' and code = 'entered-in-error').exists() or category.coding.where($this.code='problem-list-item').empty()")] =
            (n, _) => n is Condition c && (c.ClinicalStatus is not null || HasCoding(c.VerificationStatus, ConditionVerification, "entered-in-error")
                || !c.Category.Any(cc => cc.Coding.Any(x => x.Code == "problem-list-item"))),
        [("con-4", "abatement.empty() or clinicalStatus.coding.where(system='http://terminology.hl7.org/CodeSystem/condition-clinical' and (code='resolved' or code='remission' or code='inactive')).exists()")] =
            (n, _) => n is Condition c && (c.Abatement is null || (c.ClinicalStatus?.Coding.Any(x => x.System == "http://terminology.hl7.org/CodeSystem/condition-clinical" && x.Code is "resolved" or "remission" or "inactive") ?? false)),
        [("con-5", "verificationStatus.coding.where(system='http://terminology.hl7.org/CodeSystem/condition-ver-status' and code='entered-in-error').empty() or clinicalStatus.empty()")] =
            (n, _) => n is Condition c && (!HasCoding(c.VerificationStatus, ConditionVerification, "entered-in-error") || c.ClinicalStatus is null),
        [("con-1", "summary.exists() or assessment.exists()")] = (n, _) => n is Condition.StageComponent s && (s.Summary is not null || s.Assessment.Count > 0),
        [("con-2", "code.exists() or detail.exists()")] = (n, _) => n is Condition.EvidenceComponent e && (e.Code.Count > 0 || e.Detail.Count > 0),

        // AllergyIntolerance.
        [("ait-1", "verificationStatus.coding.where(system = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification' and code = 'entered-in-error').exists() or clinicalStatus.exists()")] =
            (n, _) => n is AllergyIntolerance a && (a.ClinicalStatus is not null || HasCoding(a.VerificationStatus, AllergyVerification, "entered-in-error")),
        [("ait-2", "verificationStatus.coding.where(system = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification' and code = 'entered-in-error').empty() or clinicalStatus.empty()")] =
            (n, _) => n is AllergyIntolerance a && (!HasCoding(a.VerificationStatus, AllergyVerification, "entered-in-error") || a.ClinicalStatus is null),

        // QuestionnaireResponse.
        [("qrs-1", "(answer.exists() and item.exists()).not()")] = (n, _) => n is QuestionnaireResponse.ItemComponent i && (i.Answer.Count == 0 || i.Item.Count == 0),
        [("kwc-qr-1", "questionnaire.exists() and questionnaire.contains('|')")] =
            (n, _) => n is QuestionnaireResponse q && q.QuestionnaireElement?.JsonValue is string questionnaire && questionnaire.Contains('|', StringComparison.Ordinal),

        // Patient, Organization, contact details.
        [("cpt-2", "value.empty() or system.exists()")] = (n, _) => n is ContactPoint c && (c.ValueElement is null || Primitives.HasValue(c.SystemElement)),
        [("pat-1", "name.exists() or telecom.exists() or address.exists() or organization.exists()")] =
            (n, _) => n is Patient.ContactComponent c && (c.Name is not null || c.Telecom.Count > 0 || c.Address is not null || c.Organization is not null),
        [("kwc-pat-1", "name.where(use = 'official' and family.exists()).exists()")] =
            (n, _) => n is Patient p && p.Name.Any(name => name.UseElement?.JsonValue as string == "official" && Primitives.HasValue(name.FamilyElement)),
        [("org-1", "(identifier.count() + name.count()) > 0")] = (n, _) => n is Organization o && (o.Identifier.Count > 0 || o.NameElement is not null),
        [("org-2", "where(use = 'home').empty()")] = (n, _) => n is Address a && a.UseElement?.JsonValue is string use && use != "home",
        [("org-3", "where(use = 'home').empty()")] = (n, _) => n is ContactPoint c && c.UseElement?.JsonValue is string use && use != "home",

        // Attachments, risk assessments, service requests, the clinic's extensions.
        [("att-1", "data.empty() or contentType.exists()")] = (n, _) => n is Attachment a && (a.DataElement is null || Primitives.HasValue(a.ContentTypeElement)),
        [("ras-1", "(low.empty() or ((low.code = '%') and (low.system = %ucum))) and (high.empty() or ((high.code = '%') and (high.system = %ucum)))")] =
            (n, _) => n is Hl7.Fhir.Model.Range r && Percent(r.Low) && Percent(r.High),
        [("ras-2", "probability.ofType(decimal).all($this <= 100)")] =
            (n, _) => n is RiskAssessment.PredictionComponent p && (p.Probability is not FhirDecimal d || d.JsonValue is decimal and <= 100),
        [("prr-1", "orderDetail.empty() or code.exists()")] = (n, _) => n is ServiceRequest s && (s.OrderDetail.Count == 0 || s.Code is not null),
        [("kwc-num-2", "value.ofType(integer).all($this >= 1)")] = (n, _) => n is Extension x && (x.Value is not Integer i || i.JsonValue is int and >= 1),
        [("kwc-sha-1", "value.ofType(string).all(matches('^[0-9a-fA-F]{64}$'))")] =
            (n, _) => n is Extension x && (x.Value is not FhirString s || (s.GetType() == typeof(FhirString) && s.JsonValue is string { Length: 64 } v && !v.AsSpan().ContainsAnyExcept(HexDigits))),
    };

    /// <summary>The predicate proven for this key and expression, or null.</summary>
    public static Func<object, FastRun, bool>? Find(string key, string expression) =>
        Table.TryGetValue((key, expression), out var predicate) ? predicate : null;

    /// <summary>Every (key, expression) with a predicate.</summary>
    public static IEnumerable<(string Key, string Expression)> Known => Table.Keys;

    private static bool Contained(object node, Func<Resource, bool> each)
    {
        if (node is not DomainResource resource)
            return false;
        foreach (var contained in resource.Contained)
        {
            if (!each(contained))
                return false;
        }

        return true;
    }

    // Enough for dom-3's first alternative: some Reference in the resource (its contained resources included) names '#id'.
    private static bool IsReferenced(Base node, string local)
    {
        if (node is ResourceReference reference && reference.Reference == local)
            return true;
        foreach (var (_, value) in node.EnumerateElements())
        {
            switch (value)
            {
                case PrimitiveType:
                    break;
                case Base child when IsReferenced(child, local):
                    return true;
                case IEnumerable<Base> children when children.Any(c => c is not PrimitiveType && IsReferenced(c, local)):
                    return true;
            }
        }

        return false;
    }

    private static bool Ref1(object node, FastRun run)
    {
        if (node is not ResourceReference r)
            return false;
        if (r.ReferenceElement is null)
            return true;
        if (r.ReferenceElement.JsonValue is not string value)
            return false;
        if (!value.StartsWith('#'))
            return true;
        var id = value[1..];
        return run.Root is DomainResource root && root.Contained.Any(c => c.Id == id);
    }

    // Both ends present: decided here only for full date-times with a zone, compared as instants, and for two dates
    // of the same precision (year, month or day, no time: no zone either), which compare as their digits do.
    private static bool Per1(object node, FastRun run)
    {
        if (node is not Period p)
            return false;
        if (p.StartElement is null || p.EndElement is null)
            return (p.StartElement is null || Primitives.HasValue(p.StartElement)) && (p.EndElement is null || Primitives.HasValue(p.EndElement));
        if (p.StartElement.JsonValue is not string start || p.EndElement.JsonValue is not string end)
            return false;
        if (start.Length is 4 or 7 or 10 && end.Length == start.Length)
            return p.StartElement.HasValidValue() && p.EndElement.HasValidValue() && string.CompareOrdinal(start, end) <= 0;
        if (FullInstant(start) is { } from && FullInstant(end) is { } to)
            return from <= to;
        // A full date-time and a day: decided only when the day is after (or before) the date-time's day both where
        // it was written and in UTC, so that however the two precisions are brought together the answer is the same.
        if (FullInstant(start) is { } first && end.Length == 10 && p.EndElement.HasValidValue())
            return string.CompareOrdinal(Day(first, latest: true), end) < 0;
        if (FullInstant(end) is { } last && start.Length == 10 && p.StartElement.HasValidValue())
            return string.CompareOrdinal(start, Day(last, latest: false)) < 0;
        return false;
    }

    // The later (or earlier) of an instant's day where it was written and its day in UTC, as yyyy-MM-dd.
    private static string Day(DateTimeOffset instant, bool latest)
    {
        var local = instant.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var utc = instant.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return (string.CompareOrdinal(local, utc) > 0) == latest ? local : utc;
    }

    private static DateTimeOffset? FullInstant(string? value) =>
        value is { Length: >= 20 } && value[10] == 'T' && (value[^1] == 'Z' || value[^6] is '+' or '-')
        && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant) ? instant : null;

    private static bool Obs7(object node, FastRun run)
    {
        if (node is not Observation o)
            return false;
        if (o.Value is null || o.Component.Count == 0)
            return true;
        var resourceCodings = (run.Current as Observation)?.Code?.Coding ?? [];
        foreach (var component in o.Component)
        {
            foreach (var coding in component.Code?.Coding ?? [])
            {
                foreach (var other in resourceCodings)
                {
                    // FHIRPath equality of two Codings needs every child equal: clearly different system or code is enough here.
                    if (coding.System is null || coding.Code is null || other.System is null || other.Code is null
                        || (coding.System == other.System && coding.Code == other.Code))
                        return false;
                }
            }
        }

        return true;
    }

    private static Func<object, FastRun, bool> Score(string system, string code, int max) => (n, _) =>
        n is Observation o && (!HasCoding(o.Code, system, code) || o.Value is not Integer i || (i.JsonValue is int v && v >= 0 && v <= max));

    // low/high.code = '%' and system = %ucum: both present and exact (an absent one is empty, so fails).
    private static bool Percent(Quantity? q) => q is null || (q.Code == "%" && q.System == "http://unitsofmeasure.org");

    // code.coding.where(system = S and code = C).exists(): a Coding whose system and code are exactly these.
    private static bool HasCoding(CodeableConcept? concept, string system, string code)
    {
        foreach (var coding in concept?.Coding ?? [])
        {
            if (coding.System == system && coding.Code == code)
                return true;
        }

        return false;
    }
}
