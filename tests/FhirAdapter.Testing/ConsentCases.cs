using System.Text.Json.Nodes;

namespace FhirAdapter.Testing;

/// <summary>
/// The consent cases of 42 CFR Part 2 that every way out (push and pull) must get right, built from the clinic export
/// contract's example records (<see cref="RepoPaths.RecordExamples"/>), one patient per case, so that the push tests
/// and the API tests run the very same table. Each patient has an intake and a session with notes (an SUD counseling
/// note); the organization under test is <see cref="Organization"/>. The dates hold from <see cref="Now"/> (the fixed
/// clock of both paths' tests) until the example consent expires (2027-03-02).
/// </summary>
public static class ConsentCases
{
    /// <summary>The organization under test: the destination of the push tests, the API client's organization.</summary>
    public const string Organization = "case-ehr";

    /// <summary>Another organization, named by the consent of the other-organization case.</summary>
    public const string OtherOrganization = "case-other";

    public const string NoConsent = "no-consent";
    public const string OtherOrganizationOnly = "consent-for-another-organization";
    public const string Expired = "expired";
    public const string RevokedBetweenSyncs = "revoked-between-two-syncs";
    public const string Declined = "declined";
    public const string Tpo = "tpo-consent";
    public const string ExcludeCounselingNotes = "exclude-counseling-notes";
    public const string ConsentAfterData = "consent-arrives-after-the-data";
    public const string GuardianSigned = "guardian-signed";

    /// <summary>2026-03-20 08:00 in New York: the example consents are in force, the revocation below is just past.</summary>
    public static readonly DateTimeOffset Now = new(2026, 3, 20, 12, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<IReadOnlyDictionary<string, ConsentCase>> Table = new(Build);

    public static IReadOnlyList<string> Names => [.. Table.Value.Keys];

    public static ConsentCase Get(string name) => Table.Value[name];

    /// <summary>
    /// Not one of the cases: a patient whose consent names both <see cref="Organization"/> and
    /// <see cref="OtherOrganization"/>, for the tests of who may read which part of the accounting.
    /// </summary>
    public static ConsentCase SharedWithBoth => Shared.Value;

    private static readonly Lazy<ConsentCase> Shared = new(() =>
    {
        var patient = new Patient(99);
        return patient.Case([patient.Disclosure().With("recipients", RecordJson.Recipients(Organization, OtherOrganization))]) with { Name = "shared-with-both" };
    });

    private static Dictionary<string, ConsentCase> Build()
    {
        var cases = new Dictionary<string, ConsentCase>(StringComparer.Ordinal);
        void Add(string name, Func<Patient, ConsentCase> build)
        {
            var patient = new Patient(cases.Count + 1);
            cases.Add(name, build(patient) with { Name = name });
        }

        Add(NoConsent, p => p.Case([]));
        Add(OtherOrganizationOnly, p => p.Case([p.Disclosure().With("recipients", RecordJson.Recipients(OtherOrganization))]));
        // A date-only expiry runs through that day in New York: 2026-03-19 ended before Now.
        Add(Expired, p => p.Case([p.Disclosure().With("expiresAt", "2026-03-19")]));
        Add(RevokedBetweenSyncs, p => p.Case([p.Disclosure()], Permitted(p)) with
        {
            Pending = [p.Session(2)],
            // The consent's next version: revoked this morning, read at the next sync.
            Later = [p.Disclosure().With("state", "revoked").With("revokedAt", "2026-03-20T07:30:00-04:00").With("updatedAt", "2026-03-20T07:35:00-04:00")],
            AfterLater = ConsentExpectation.Nothing,
        });
        Add(Declined, p => p.Case([p.Disclosure().With("state", "declined")]));
        // TPO: treatment, payment and operations in one consent, which may have no expiry (the 2024 rule).
        Add(Tpo, p => p.Case([p.Disclosure().With("purposes", RecordJson.Array("treatment", "payment", "health-care-operations")).Without("expiresAt")], Permitted(p)));
        // The exclusion wins over a counseling-notes consent that would release the notes.
        Add(ExcludeCounselingNotes, p => p.Case([p.Disclosure().With("dataScope", "exclude-counseling-notes"), p.NotesConsent()], Permitted(p)));
        Add(ConsentAfterData, p => p.Case([]) with { Later = [p.Disclosure()], AfterLater = Permitted(p) });
        // Signed by a guardian counts as signed by the patient, for the notes' own consent too: everything goes.
        Add(GuardianSigned, p => p.Case(
            [p.Disclosure().With("signedBy", "guardian"), p.NotesConsent().With("signedBy", "guardian")],
            Permitted(p) with { NotesDisclosed = true }));
        return cases;
    }

    private static ConsentExpectation Permitted(Patient p) => new(true, false, p.DisclosureId);

    /// <summary>The MRN of the case patient numbered <paramref name="number"/>; its record ids carry <see cref="TagOf"/>.</summary>
    internal static string MrnOf(int number) => $"KWC-0099{number:D2}";

    /// <summary>What the record ids of the case patient with <paramref name="mrn"/> (one of <see cref="MrnOf"/>) carry.</summary>
    internal static string TagOf(string mrn) => $"CASE-{mrn[^2..]}";

    /// <summary>The example patient under an MRN and record ids of its own, so that the cases never meet.</summary>
    private sealed class Patient(int number)
    {
        public string Mrn { get; } = MrnOf(number);

        private string Tag => TagOf(Mrn);

        public string DisclosureId => $"CNS-{Tag}";

        public ConsentCase Case(IReadOnlyList<JsonObject> consents, ConsentExpectation? first = null) =>
            new("", Mrn, [Intake(), Session(1), .. consents], first ?? ConsentExpectation.Nothing, [], [], null);

        public JsonObject Intake()
        {
            var intake = RecordJson.Example("intake").With("recordId", $"INT-{Tag}");
            intake["patient"]!["mrn"] = Mrn;
            return intake;
        }

        /// <summary>The example session (with notes); the second one a week later.</summary>
        public JsonObject Session(int sessionNumber)
        {
            var text = RecordJson.Example("session").ToJsonString();
            if (sessionNumber > 1)
            {
                text = text.Replace("2026-03-09", "2026-03-16", StringComparison.Ordinal);
            }

            var session = JsonNode.Parse(text)!.AsObject().With("recordId", $"SES-{Tag}-{sessionNumber}").With("patientMrn", Mrn);
            session["course"] = new JsonObject { ["courseId"] = $"CRS-{Tag}", ["sessionNumber"] = sessionNumber, ["plannedSessions"] = 6 };
            return session;
        }

        /// <summary>A signed disclosure consent naming the organization under test for treatment, all data, to 2027-03-02.</summary>
        public JsonObject Disclosure() => RecordJson.Example("consent")
            .With("recordId", DisclosureId).With("patientMrn", Mrn).With("recipients", RecordJson.Recipients(Organization)).With("dataScope", "all").Without("document");

        /// <summary>A signed counseling-notes consent naming the organization under test.</summary>
        public JsonObject NotesConsent() => Disclosure().With("recordId", $"CNS-{Tag}-NOTES").With("consentType", "counseling-notes");
    }
}
