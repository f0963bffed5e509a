using System.Text.RegularExpressions;
using FhirAdapter.Core.Reading;
using FhirAdapter.Generation;

namespace FhirAdapter.Generation.Tests;

public sealed partial class ClinicGeneratorTests : IClassFixture<GeneratedClinic>
{
    private readonly GeneratedClinic _clinic;

    public ClinicGeneratorTests(GeneratedClinic clinic) => _clinic = clinic;

    [Fact]
    public void Every_record_the_summary_counts_is_read_back()
    {
        Assert.Equal(_clinic.Summary.TotalRecords, _clinic.Items.Count);
        var byKind = _clinic.Items.Where(i => i.Record is not null).GroupBy(i => i.Record!.Kind).ToDictionary(g => g.Key, g => g.Count());
        foreach (var (kind, written) in _clinic.Summary.RecordsByKind)
        {
            var invalid = _clinic.Invalid.Count(r => r.Stage == "read" && r.Kind == kind.ToString().ToLowerInvariant());
            Assert.Equal(written - invalid, byKind.GetValueOrDefault(kind));
        }

        Assert.Equal(_clinic.Summary.Files.Select(f => f.Name), InboxReader.ListFiles(_clinic.Directory));
    }

    [Fact]
    public void The_records_rejected_when_read_are_exactly_those_made_invalid()
    {
        var rejected = _clinic.Items.Where(i => i.Record is null)
            .Select(i => GeneratedClinic.PositionOf(i.Errors[0].Source)).ToHashSet();
        var meant = _clinic.Invalid.Where(r => r.Stage == "read").Select(r => (r.File, r.Position)).ToHashSet();

        Assert.Equal(_clinic.Summary.InvalidRecords, _clinic.Invalid.Count);
        Assert.Equal(_clinic.Summary.InvalidRecords - _clinic.Summary.InvalidByMapping, meant.Count);
        Assert.Equal(meant.Order(), rejected.Order());
        Assert.Equal(rejected.Count, _clinic.Items.Count(i => i.Record is null)); // one error report per broken record
        Assert.Empty(_clinic.Conflicts);
    }

    [Fact]
    public void The_invalid_records_are_of_many_kinds_at_about_the_configured_rate()
    {
        var share = (double)_clinic.Summary.InvalidRecords / _clinic.Summary.TotalRecords;

        Assert.InRange(share, 0.002, 0.01);
        Assert.True(_clinic.Invalid.Select(r => r.Defect).Distinct().Count() >= 8, string.Join(", ", _clinic.Invalid.Select(r => r.Defect).Distinct()));
        Assert.Contains(_clinic.Invalid, r => r.File.EndsWith(".csv", StringComparison.Ordinal));
        Assert.Contains(_clinic.Invalid, r => r.File.EndsWith(".json", StringComparison.Ordinal));
        Assert.Contains(_clinic.Invalid, r => r.File.EndsWith(".ndjson", StringComparison.Ordinal));
    }

    [Fact]
    public void Mapping_gives_one_bundle_per_patient_with_an_intake_and_rejects_only_the_deliberate_ones()
    {
        var mapRejected = _clinic.Invalid.Where(r => r.Stage == "map").ToList();
        Assert.NotEmpty(mapRejected);
        var rejectedIds = _clinic.Mapping.Rejected.Select(e => e.RecordId).Distinct().Order();

        Assert.Equal(mapRejected.Select(r => r.RecordId).Order(), rejectedIds);
        var intakes = _clinic.Records.Records.Where(r => r.Kind == RecordKind.Intake).ToList();
        Assert.Equal(GeneratedClinic.PatientCount, intakes.Select(r => r.PatientMrn).Distinct().Count()); // corrections and late intakes included
        Assert.Equal(GeneratedClinic.PatientCount - mapRejected.Count, _clinic.Mapping.Patients.Count);
        var withoutIntake = mapRejected.Select(r => (string?)MrnOfIntake(r.RecordId)).ToHashSet();
        Assert.All(_clinic.Mapping.Held, h => Assert.Contains(h.Record.PatientMrn, withoutIntake));
    }

    [Fact]
    public void Courses_have_4_to_8_sessions_two_or_three_a_week()
    {
        var records = _clinic.Records.Records.Where(r => r.Kind == RecordKind.Session).ToList();
        var sessions = records.Select(r => r.As<SessionPayload>()).ToList();
        var courses = records.GroupBy(r => r.As<SessionPayload>().Course!.CourseId).ToList();

        Assert.Equal(_clinic.Summary.Courses, courses.Count);
        foreach (var course in courses)
        {
            var ordered = course.Select(r => r.As<SessionPayload>()).OrderBy(s => s.Course!.SessionNumber).ToList();
            Assert.InRange(ordered.Count, 4, 8);
            Assert.All(ordered.Where(s => s.Course!.PlannedSessions is not null), s => Assert.Equal(ordered.Count, s.Course!.PlannedSessions)); // CSV cannot say
            Assert.Equal(Enumerable.Range(1, ordered.Count), ordered.Select(s => s.Course!.SessionNumber!.Value));
            // CSV has no scheduledStart, and a cancelled session no start: its record's version is from that day.
            var days = course.OrderBy(r => r.As<SessionPayload>().Course!.SessionNumber)
                .Select(r => DateOnly.FromDateTime((r.As<SessionPayload>().ScheduledStart ?? r.As<SessionPayload>().StartedAt ?? r.UpdatedAt).DateTime)).ToList();
            Assert.All(days.Zip(days.Skip(1)), pair => Assert.InRange(pair.Second.DayNumber - pair.First.DayNumber, 2, 4));
        }

        var patientsTreated = sessions.Select(s => s.PatientMrn).Distinct().Count();
        Assert.InRange(patientsTreated, GeneratedClinic.PatientCount * 0.85, GeneratedClinic.PatientCount * 0.97);
    }

    [Fact]
    public void Medications_routes_and_doses_are_the_clinics()
    {
        var sessions = Current<SessionPayload>(RecordKind.Session).ToList();

        Assert.Equal(
            ["esketamine/intranasal", "ketamine/im", "ketamine/iv", "ketamine/oral", "ketamine/sublingual", "nad-plus/iv"],
            sessions.Select(s => $"{s.Medication}/{s.Route}").Distinct().Order());
        Assert.All(sessions.Where(s => s.Medication == "esketamine"), s => Assert.Contains(s.Dose.TotalMg, new[] { 56m, 84m }));
        Assert.All(sessions.Where(s => s.Medication == "ketamine" && s.Route == "iv"), s =>
        {
            Assert.Contains(s.Dose.MgPerKg, new decimal?[] { 0.5m, 0.75m });
            Assert.True(s.Dose.InfusionMinutes == 40 || s.SessionStatus == "stopped-early");
        });
        Assert.All(sessions.Where(s => s.Medication == "esketamine" && s.StartedAt is not null), s =>
            Assert.True(s.DischargedAt!.Value - s.StartedAt!.Value >= TimeSpan.FromHours(2)));
        var statuses = sessions.GroupBy(s => s.SessionStatus).ToDictionary(g => g.Key, g => (double)g.Count() / sessions.Count);
        Assert.InRange(statuses["completed"], 0.88, 0.97);
        Assert.Equal(["cancelled", "completed", "no-show", "stopped-early"], statuses.Keys.Order());
        Assert.Contains(sessions, s => s.AdverseEvent?.Occurred == true);
        Assert.Contains(sessions, s => s.SideEffects.Count > 0);
    }

    [Fact]
    public void Consents_treatment_for_all_disclosure_for_most_with_revocations_tpo_and_expiry()
    {
        var consents = Current<ConsentPayload>(RecordKind.Consent).ToList();
        var patients = _clinic.Records.Records.Where(r => r.Kind == RecordKind.Intake).Select(r => r.PatientMrn).ToHashSet();

        Assert.Equal(patients.Order(), consents.Where(c => c.ConsentType == "treatment").Select(c => c.PatientMrn).Order());
        var disclosures = consents.Where(c => c.ConsentType == "disclosure").ToList();
        Assert.InRange(disclosures.Count, patients.Count * 0.65, patients.Count * 0.85);
        Assert.All(disclosures.SelectMany(c => c.Recipients), r => Assert.Contains(r.OrganizationId, new[] { "pbpca", "bhn", "sfh" }));
        Assert.Equal(_clinic.Summary.Revocations, disclosures.Count(c => c.State == "revoked"));
        Assert.True(_clinic.Summary.Revocations > 0);
        Assert.Contains(disclosures, c => c.Purposes.Count == 3);
        Assert.Contains(disclosures, c => c.DataScope == "exclude-counseling-notes");
        Assert.Contains(disclosures, c => c.State == "declined");
        Assert.Contains(disclosures, c => c.ExpiresAt is { Length: 10 } e && DateOnly.Parse(e, System.Globalization.CultureInfo.InvariantCulture) < DateOnly.FromDateTime(c.SignedAt.DateTime).AddDays(200));
        Assert.Contains(consents, c => c.ConsentType == "counseling-notes");
        Assert.Contains(consents, c => c.SignedBy == "guardian");
    }

    [Fact]
    public void Updates_withdrawals_repeats_and_late_intakes_follow_the_versioning_rules()
    {
        var set = _clinic.Records;

        Assert.Equal(_clinic.Summary.Repeats, set.Repeats);
        // A correction supersedes nothing: the broken version it follows was rejected, never read.
        Assert.Equal(_clinic.Summary.Revocations + _clinic.Summary.SessionUpdates + _clinic.Summary.Withdrawals, set.Superseded);
        Assert.Equal(0, set.Stale);
        Assert.Equal(_clinic.Summary.Withdrawals, set.Records.Count(r => r.IsEnteredInError));
        Assert.True(_clinic.Summary.LateIntakes > 0 && _clinic.Summary.SessionUpdates > 0 && _clinic.Summary.Repeats > 0);

        // Some patient's session is read before that patient's intake.
        var firstIntake = new Dictionary<string, int>();
        var firstSession = new Dictionary<string, int>();
        var index = 0;
        foreach (var record in _clinic.Items.Select(i => i.Record).OfType<ClinicRecord>())
        {
            var map = record.Kind == RecordKind.Intake ? firstIntake : record.Kind == RecordKind.Session ? firstSession : null;
            map?.TryAdd(record.PatientMrn!, index);
            index++;
        }

        Assert.Contains(firstSession, s => firstIntake.TryGetValue(s.Key, out var intake) && intake > s.Value);
    }

    [Fact]
    public void The_data_is_obviously_fictional()
    {
        var intakes = Current<IntakePayload>(RecordKind.Intake).ToList();

        Assert.All(intakes, i => Assert.Matches(MrnPattern(), i.Patient.Mrn));
        Assert.All(intakes.SelectMany(i => i.Patient.Phones), p => Assert.Matches(PhonePattern(), p.Number));
        Assert.All(intakes.Where(i => i.Patient.Email is not null), i => Assert.EndsWith("@example.com", i.Patient.Email, StringComparison.Ordinal));
        Assert.Equal(GeneratedClinic.PatientCount, intakes.Select(i => i.Patient.Mrn).Distinct().Count());
    }

    private IEnumerable<T> Current<T>(RecordKind kind) where T : RecordPayload =>
        _clinic.Records.Records.Where(r => r.Kind == kind).Select(r => r.As<T>());

    private string MrnOfIntake(string recordId) =>
        _clinic.Items.Select(i => i.Record).OfType<ClinicRecord>().First(r => r.RecordId == recordId).PatientMrn!;

    [GeneratedRegex("^KWC-[0-9]{6}$")]
    private static partial Regex MrnPattern();

    [GeneratedRegex(@"^\+1-(561|954)-555-01[0-9]{2}$")]
    private static partial Regex PhonePattern();
}
