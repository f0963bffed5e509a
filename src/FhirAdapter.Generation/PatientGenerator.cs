using System.Globalization;
using FhirAdapter.Core.Reading;

namespace FhirAdapter.Generation;

/// <summary>
/// Writes one patient's records into a batch: the intake, the consents, and the courses of
/// sessions, with the follow-ups (corrections, revocations, updates, withdrawals, repeats) held
/// back for the next batch. Each patient draws from a <see cref="Dice"/> of its own.
/// </summary>
internal sealed class PatientGenerator
{
    private static readonly string[] TreatmentTopics =
        ["dissociation", "nausea", "dizziness", "blurred-vision", "elevated-blood-pressure", "misuse-and-dependence", "no-driving-24h", "bladder-toxicity"];

    private readonly ClinicGeneratorOptions _options;
    private readonly GenerationCounts _counts;
    private readonly InvalidManifest _manifest;
    private int _consentSequence;
    private int _sessionSequence;
    private int _courseSequence;

    public PatientGenerator(ClinicGeneratorOptions options, GenerationCounts counts, InvalidManifest manifest)
    {
        _options = options;
        _counts = counts;
        _manifest = manifest;
    }

    public static string MrnOf(int number) => string.Create(CultureInfo.InvariantCulture, $"KWC-{100_000 + number:D6}");

    public void Generate(int number, DateOnly intakeDay, InboxBatch batch, List<DeferredRecord> next)
    {
        var dice = new Dice(Dice.SeedFor(_options.Seed, number));
        var site = dice.Chance(0.6) ? "BOCA" : "DELRAY";
        var submittedAt = ClinicClock.At(intakeDay, (8 * 60) + dice.Between(0, 9 * 60));
        var late = dice.Chance(_options.LateIntakeRate);
        // A late intake is entered after the first sessions were charted, so its version is later too.
        var intakeUpdatedAt = ClinicClock.Later(submittedAt, late ? dice.Between(10, 20) * 24 * 60 : dice.Between(5, 60));
        var intakeId = string.Create(CultureInfo.InvariantCulture, $"INT-{submittedAt.Year}-{number:D6}");
        var (patient, intake) = IntakeBuilder.Create(dice, number, MrnOf(number), intakeId, site, submittedAt, intakeUpdatedAt);
        if (late)
        {
            next.Add(new DeferredRecord(RecordKind.Intake, intake));
            _counts.LateIntakes++;
        }
        else
        {
            Emit(dice, RecordKind.Intake, intakeId, intake, intakeUpdatedAt, batch.Intakes, null, next);
        }

        foreach (var consent in Consents(dice, patient))
        {
            Emit(dice, RecordKind.Consent, consent.RecordId, consent.ToJson(), consent.UpdatedAt, null, batch.Consents, next);
            if (consent is { ConsentType: "disclosure", State: "signed" } && dice.Chance(_options.RevocationRate))
            {
                var revokedAt = ClinicClock.At(ClinicClock.OpenOnOrAfter(DateOnly.FromDateTime(consent.SignedAt.DateTime).AddDays(dice.Between(20, 200))), dice.Between(9 * 60, 17 * 60));
                var revoked = consent with { State = "revoked", RevokedAt = revokedAt, UpdatedAt = ClinicClock.Later(revokedAt, dice.Between(2, 10)) };
                next.Add(new DeferredRecord(RecordKind.Consent, revoked.ToJson()));
                _counts.Revocations++;
            }
        }

        foreach (var session in Sessions(dice, patient))
        {
            WriteSession(dice, session, batch, next);
        }
    }

    private IEnumerable<ConsentDraft> Consents(Dice dice, PatientFacts patient)
    {
        var signer = patient.Minor ? "guardian" : dice.Chance(0.01) ? "representative" : "patient";
        var at = ClinicClock.Later(patient.SubmittedAt, dice.Between(5, 20));
        ConsentDraft Draft(string type, string state)
        {
            at = ClinicClock.Later(at, dice.Between(1, 4));
            var paper = dice.Chance(0.1);
            return new ConsentDraft(NextConsentId(at), ClinicClock.Later(at, dice.Between(1, 5)), patient.Site, patient.Mrn, type, state, at,
                signer, paper ? "paper" : "electronic")
            {
                Witness = paper ? dice.Pick(patient.Site == "BOCA" ? Vocabulary.BocaMonitors : Vocabulary.DelrayMonitors).Name.Split(',')[0] : null,
                HasDocument = paper || dice.Chance(0.12),
                LegacyNumber = dice.Chance(0.03) ? string.Create(CultureInfo.InvariantCulture, $"PC-{dice.Between(10000, 99999)}") : null,
            };
        }

        string YearLater(DateTimeOffset signed) => ConsentDraft.DateOf(signed.AddYears(1));

        var treatment = Draft("treatment", "signed") with
        {
            EducationTopics = patient.SexAtBirth == "female" ? [.. TreatmentTopics, "pregnancy-risk"] : TreatmentTopics,
        };
        yield return dice.Chance(0.4) ? treatment with { ExpiresAt = YearLater(treatment.SignedAt) } : treatment;

        if (dice.Chance(0.35))
        {
            yield return Draft("telehealth", "signed");
        }

        if (dice.Chance(0.75))
        {
            var declined = dice.Chance(0.04);
            var disclosure = Draft("disclosure", declined ? "declined" : "signed") with
            {
                Recipients = dice.Some(Vocabulary.Organizations, 1, 3),
                Purposes = dice.Weighted<string[]>([(["treatment"], 70), (["treatment", "payment"], 10), (["treatment", "payment", "health-care-operations"], 20)]),
                DataScope = dice.Weighted<string?>([("exclude-counseling-notes", 45), ("all", 45), (null, 10)]),
            };
            // Mostly a year; some date-times; a few short ones that expire within the records' span.
            var expires = dice.Weighted<int>([(0, 25), (1, 55), (2, 15), (3, 5)]);
            yield return expires switch
            {
                1 => disclosure with { ExpiresAt = YearLater(disclosure.SignedAt) },
                2 => disclosure with { ExpiresAt = ClinicClock.Iso(ClinicClock.Later(disclosure.SignedAt, 365 * 24 * 60)) },
                3 => disclosure with { ExpiresAt = ConsentDraft.DateOf(disclosure.SignedAt.AddDays(dice.Between(60, 150))) },
                _ => disclosure,
            };
        }

        if ((patient.Primary.SubstanceUse && dice.Chance(0.3)) || dice.Chance(0.04))
        {
            yield return Draft("counseling-notes", dice.Chance(0.7) ? "signed" : "declined") with
            {
                Recipients = [dice.Pick(Vocabulary.Organizations)],
                Purposes = ["treatment"],
            };
        }
    }

    private IEnumerable<SessionDraft> Sessions(Dice dice, PatientFacts patient)
    {
        // Some patients are not treated: a contraindication, or they decide against it after the evaluation.
        if (patient.NotTreated || dice.Chance(0.04))
        {
            yield break;
        }

        var (medication, route) = Plan(dice, patient);
        var first = DateOnly.FromDateTime(patient.SubmittedAt.DateTime).AddDays(dice.Between(3, 14));
        var course = CourseBuilder.Build(dice, patient, NextCourseId(), first, medication, route, NextSessionId);
        _counts.Courses++;
        foreach (var session in course)
        {
            yield return session;
        }

        if (dice.Chance(0.1))
        {
            // A booster course some weeks later: ketamine IV, or NAD+ for those who cannot have ketamine.
            var booster = DateOnly.FromDateTime(course[^1].ScheduledStart.DateTime).AddDays(dice.Between(28, 90));
            var again = patient.KetamineAllergy || dice.Chance(0.25) ? ("nad-plus", "iv") : ("ketamine", "iv");
            _counts.Courses++;
            foreach (var session in CourseBuilder.Build(dice, patient, NextCourseId(), booster, again.Item1, again.Item2, NextSessionId))
            {
                yield return session;
            }
        }
    }

    private static (string Medication, string Route) Plan(Dice dice, PatientFacts patient)
    {
        if (patient.KetamineAllergy)
        {
            return ("nad-plus", "iv");
        }

        if (patient.MisuseRisk == "high")
        {
            return dice.Weighted<(string, string)>([(("ketamine", "iv"), 80), (("ketamine", "im"), 10), (("nad-plus", "iv"), 10)]);
        }

        return patient.Primary.Reason switch
        {
            "depression" => dice.Weighted<(string, string)>([(("ketamine", "iv"), 55), (("esketamine", "intranasal"), 20), (("ketamine", "im"), 8), (("ketamine", "sublingual"), 8), (("ketamine", "oral"), 4), (("nad-plus", "iv"), 5)]),
            "alcohol" or "opioids" or "cocaine" => dice.Weighted<(string, string)>([(("ketamine", "iv"), 60), (("ketamine", "im"), 10), (("nad-plus", "iv"), 25), (("ketamine", "sublingual"), 5)]),
            _ => dice.Weighted<(string, string)>([(("ketamine", "iv"), 60), (("ketamine", "im"), 12), (("ketamine", "sublingual"), 15), (("ketamine", "oral"), 5), (("nad-plus", "iv"), 8)]),
        };
    }

    private void WriteSession(Dice dice, SessionDraft session, InboxBatch batch, List<DeferredRecord> next)
    {
        var json = session.ToJson();
        var toCsv = session.Site == "BOCA" && !session.NeedsJson && dice.Chance(_options.CsvShare);
        var broken = dice.Chance(_options.InvalidRate);
        if (toCsv)
        {
            var cells = session.ToCsvCells(localTimes: dice.Chance(0.5), emptyStatus: dice.Chance(0.2));
            if (broken)
            {
                var defect = Defects.BreakCsv(cells, dice);
                var row = batch.SessionsCsv.Write(cells);
                Rejected(dice, RecordKind.Session, batch.SessionsCsv.Name, row, session.RecordId, defect, json, session.UpdatedAt, next);
            }
            else
            {
                batch.SessionsCsv.Write(cells);
            }

            _counts.Written(RecordKind.Session);
        }
        else
        {
            Emit(dice, RecordKind.Session, session.RecordId, json, session.UpdatedAt, batch.Sessions, null, next, broken);
        }

        if (broken)
        {
            return; // its correction is its follow-up
        }

        var roll = dice.Uniform(0, 1);
        if (roll < _options.UpdateRate)
        {
            var addendum = "Addendum: late entry, headache reported by phone the next morning, resolved with acetaminophen.";
            var updated = session with
            {
                UpdatedAt = ClinicClock.Later(session.UpdatedAt, dice.Between(1, 3) * 24 * 60),
                SideEffects = session.SideEffects.Any(e => e.Name == "headache") ? session.SideEffects : [.. session.SideEffects, new SessionDraft.Effect("headache", "mild", null)],
                Notes = session.Notes is null ? addendum : session.Notes + "\n" + addendum,
            };
            next.Add(new DeferredRecord(RecordKind.Session, updated.ToJson()));
            _counts.SessionUpdates++;
        }
        else if (roll < _options.UpdateRate + _options.WithdrawalRate)
        {
            var withdrawn = session with { EnteredInError = true, UpdatedAt = ClinicClock.Later(session.UpdatedAt, dice.Between(1, 5) * 24 * 60) };
            next.Add(new DeferredRecord(RecordKind.Session, withdrawn.ToJson()));
            _counts.Withdrawals++;
        }
        else if (!toCsv && roll < _options.UpdateRate + _options.WithdrawalRate + _options.RepeatRate)
        {
            // Byte-identical: the same version sent again. (A CSV row's repeat would differ in what CSV cannot carry.)
            next.Add(new DeferredRecord(RecordKind.Session, json));
            _counts.Repeats++;
        }
    }

    /// <summary>Writes a JSON record to its file, now and then broken (its corrected version then follows in the next batch).</summary>
    private void Emit(
        Dice dice, RecordKind kind, string recordId, byte[] json, DateTimeOffset updatedAt, NdjsonSink? lines, JsonArraySink? array,
        List<DeferredRecord> next, bool? broken = null)
    {
        _counts.Written(kind);
        if (!(broken ?? dice.Chance(_options.InvalidRate)))
        {
            _ = lines is not null ? lines.Write(json) : array!.Write(json);
            return;
        }

        var (bad, defect) = Defects.BreakJson(kind, json, lineFormat: lines is not null, dice);
        var position = lines is not null ? lines.Write(bad) : array!.Write(bad);
        Rejected(dice, kind, lines?.Name ?? array!.Name, position, recordId, defect, json, updatedAt, next);
    }

    private void Rejected(Dice dice, RecordKind kind, string file, int position, string recordId, Defect defect, byte[] valid, DateTimeOffset updatedAt, List<DeferredRecord> next)
    {
        _manifest.Add(file, position, recordId, kind, defect);
        if (!defect.ByMapping)
        {
            // Clinic IT fixes what the adapter reported, and the record comes again, later.
            next.Add(new DeferredRecord(kind, JsonRecord.Revise(valid, ClinicClock.Later(updatedAt, dice.Between(1, 4) * 24 * 60))));
            _counts.Corrections++;
        }
    }

    private string NextConsentId(DateTimeOffset at) => string.Create(CultureInfo.InvariantCulture, $"CNS-{at.Year}-{++_consentSequence:D6}");

    private string NextSessionId(DateOnly day) => string.Create(CultureInfo.InvariantCulture, $"SES-{day.Year}-{++_sessionSequence:D7}");

    private string NextCourseId() => string.Create(CultureInfo.InvariantCulture, $"CRS-{++_courseSequence:D6}");
}
