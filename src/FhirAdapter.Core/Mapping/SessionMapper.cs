using System.Text;
using FhirAdapter.Core.Reading;
using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Mapping;

/// <summary>
/// session → Encounter, MedicationAdministration, vitals and score Observations, side effects,
/// AdverseEvent and the session note; every one points at the Encounter.
/// </summary>
internal static class SessionMapper
{
    public static void Map(PatientContext context, ClinicRecord record)
    {
        var s = record.As<SessionPayload>();
        var withdrawn = record.IsEnteredInError;
        var id = record.RecordId;
        var encounter = Encounter(context, record, s);
        var encounterRef = context.Add(encounter, id);
        var started = s.StartedAt is { } start ? FhirValues.FhirDateTime(start) : null;

        var administration = Administration(context, s, record.UpdatedAt, withdrawn, encounterRef);
        var administrationRef = context.Add(administration, $"{id}.administration");

        if (s.WeightKg is { } weight && started is not null)
        {
            var observation = Observations.Weight(context, weight, started, withdrawn);
            observation.Encounter = encounterRef;
            context.Add(observation, $"{id}.vitals.weight");
        }

        for (var i = 0; i < s.Vitals.Count; i++)
        {
            MapVitals(context, s.Vitals[i], $"{id}.vitals.{i}", withdrawn, encounterRef);
        }

        if (s.Scores is { } scores)
        {
            var effective = (DataType?)started ?? FhirValues.FhirDateTime(record.UpdatedAt);
            var assessment = ClinicCanonicals.CodeSystems.Assessment;
            AddScore("phq9", scores.Phq9, FhirValues.Concept(Codes.Loinc, Codes.Phq9Total, "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]", "PHQ-9 total score"));
            AddScore("gad7", scores.Gad7, FhirValues.Concept(Codes.Loinc, Codes.Gad7Total, "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]", "GAD-7 total score"));
            AddScore("cadss", scores.Cadss, FhirValues.Concept(assessment, "cadss", "Clinician-Administered Dissociative States Scale total score", "CADSS total score"));
            AddScore("moaas", scores.Moaas, FhirValues.Concept(assessment, "moaas", "Modified Observer's Assessment of Alertness/Sedation score", "MOAA/S score"));

            void AddScore(string name, int? value, CodeableConcept code)
            {
                if (value is { } v)
                {
                    var observation = Observations.Score(context, code, v, effective, withdrawn);
                    observation.Encounter = encounterRef;
                    context.Add(observation, $"{id}.score.{name}");
                }
            }
        }

        for (var i = 0; i < s.SideEffects.Count; i++)
        {
            context.Add(SideEffect(context, s.SideEffects[i], started, record, withdrawn, encounterRef), $"{id}.side-effect.{i}");
        }

        if (s.AdverseEvent is { Occurred: true } adverse)
        {
            var adverseEvent = new AdverseEvent
            {
                Actuality = AdverseEvent.AdverseEventActuality.Actual,
                Category = [FhirValues.Concept("http://terminology.hl7.org/CodeSystem/adverse-event-category", "medication-mishap", "Medication Mishap")],
                Event = new CodeableConcept { Text = adverse.Description ?? "Adverse event during ketamine treatment session" },
                Subject = context.Patient,
                Encounter = encounterRef,
                Date = FhirValues.DateTime(s.StartedAt ?? record.UpdatedAt),
                SuspectEntity = [new AdverseEvent.SuspectEntityComponent { Instance = administrationRef }],
            };
            if (adverse.Seriousness is { } seriousness)
            {
                adverseEvent.Seriousness = FhirValues.Concept(Codes.AdverseEventSeriousness, seriousness == "serious" ? "Serious" : "Non-serious",
                    seriousness == "serious" ? "Serious" : "Non-serious");
            }

            context.Add(adverseEvent, $"{id}.adverse-event");
        }

        if (s.Notes is { } notes)
        {
            context.Add(Note(context, notes, record, withdrawn, encounterRef), $"{id}.note");
        }
    }

    /// <summary>The course as an EpisodeOfCare, from all of its sessions in this patient's records.</summary>
    public static void MapCourse(PatientContext context, string courseId, IReadOnlyList<ClinicRecord> sessions)
    {
        var payloads = sessions.Where(r => !r.IsEnteredInError).Select(r => r.As<SessionPayload>()).ToList();
        var planned = sessions.Select(r => r.As<SessionPayload>().Course?.PlannedSessions).LastOrDefault(p => p is not null);
        var held = payloads.Where(p => p.SessionStatus is "completed" or "stopped-early").ToList();
        var starts = held.Select(p => p.StartedAt).OfType<DateTimeOffset>().Order().ToList();
        var ends = held.Select(p => p.DischargedAt ?? p.EndedAt).OfType<DateTimeOffset>().Order().ToList();
        var finished = planned is { } n && held.Count >= n;
        var episode = new EpisodeOfCare
        {
            Identifier = [FhirValues.Identifier(context.Canonicals.CourseSystem, courseId)],
            Status = payloads.Count == 0 ? EpisodeOfCare.EpisodeOfCareStatus.EnteredInError
                : finished ? EpisodeOfCare.EpisodeOfCareStatus.Finished : EpisodeOfCare.EpisodeOfCareStatus.Active,
            Type = [FhirValues.Concept(ClinicCanonicals.CodeSystems.EncounterType, "ketamine-course", "Ketamine treatment course")],
            Patient = context.Patient,
            Period = starts.Count == 0 ? null : new Period
            {
                Start = FhirValues.DateTime(starts[0]),
                End = finished && ends.Count > 0 ? FhirValues.DateTime(ends[^1]) : null,
            },
        };
        if (planned is { } count)
        {
            episode.Extension.Add(new Extension(ClinicCanonicals.Extensions.CoursePlannedSessions, new PositiveInt(count)));
        }

        context.Bundle.Add(episode, context.Canonicals.CourseSystem, courseId);
    }

    private static Encounter Encounter(PatientContext context, ClinicRecord record, SessionPayload s)
    {
        var encounter = new Encounter
        {
            Meta = FhirValues.Profile(ClinicCanonicals.Profiles.TreatmentSession),
            Status = record.IsEnteredInError ? Hl7.Fhir.Model.Encounter.EncounterStatus.EnteredInError : s.SessionStatus switch
            {
                "completed" or "stopped-early" => Hl7.Fhir.Model.Encounter.EncounterStatus.Finished,
                _ => Hl7.Fhir.Model.Encounter.EncounterStatus.Cancelled,
            },
            Class = FhirValues.Coding(Codes.V3ActCode, "AMB", "ambulatory"),
            Type = [FhirValues.Concept(ClinicCanonicals.CodeSystems.EncounterType, "ketamine-treatment-session", "Ketamine treatment session",
                s.Medication switch { "esketamine" => "Esketamine treatment session", "nad-plus" => "NAD+ infusion session", _ => "Ketamine treatment session" })],
            Subject = context.Patient,
        };

        if (s.StartedAt is not null || s.DischargedAt is not null || s.EndedAt is not null)
        {
            encounter.Period = new Period
            {
                Start = s.StartedAt is { } start ? FhirValues.DateTime(start) : null,
                End = (s.DischargedAt ?? s.EndedAt) is { } end ? FhirValues.DateTime(end) : null,
            };
        }

        encounter.Participant.Add(new Encounter.ParticipantComponent
        {
            Type = [FhirValues.Concept(Codes.V3ParticipationType, "PPRF", "primary performer")],
            Individual = context.Practitioner(s.Provider.Name, s.Provider.Npi),
        });
        if (s.MonitoredBy is { } monitor)
        {
            encounter.Participant.Add(new Encounter.ParticipantComponent
            {
                Type = [FhirValues.Concept(Codes.V3ParticipationType, "PART", "Participation")],
                Individual = context.Practitioner(monitor.Name, monitor.Npi),
            });
        }

        if (s.Indication is { } indication)
        {
            encounter.ReasonCode.Add(FhirValues.Concept(Codes.Icd10Cm, indication));
        }

        if (s.Course is { } course)
        {
            encounter.EpisodeOfCare.Add(TransactionBuilder.Reference("EpisodeOfCare", context.Canonicals.CourseSystem, course.CourseId));
            if (course.SessionNumber is { } number)
            {
                encounter.Extension.Add(new Extension(ClinicCanonicals.Extensions.CourseSessionNumber, new PositiveInt(number)));
            }
        }

        if (record.Site is { } site)
        {
            encounter.Location.Add(new Encounter.LocationComponent
            {
                Location = FhirValues.Logical("Location", context.Canonicals.SiteSystem, site, site),
            });
        }

        if (s.ScheduledStart is { } scheduled)
        {
            encounter.Extension.Add(new Extension(ClinicCanonicals.Extensions.ScheduledStart, FhirValues.FhirDateTime(scheduled)));
        }

        if (s.ReadyToLeaveAt is { } ready)
        {
            encounter.Extension.Add(new Extension(ClinicCanonicals.Extensions.ReadyToLeave, FhirValues.FhirDateTime(ready)));
        }

        return encounter;
    }

    private static MedicationAdministration Administration(PatientContext context, SessionPayload s, DateTimeOffset updatedAt, bool withdrawn, ResourceReference encounter)
    {
        var medication = new Medication
        {
            Id = "medication",
            Code = s.Medication switch
            {
                "ketamine" => FhirValues.Concept(Codes.RxNorm, Codes.KetamineRxNorm, "ketamine", "Ketamine"),
                "esketamine" => FhirValues.Concept(ClinicCanonicals.CodeSystems.Medication, "esketamine", "Esketamine", "Esketamine nasal spray"),
                _ => FhirValues.Concept(ClinicCanonicals.CodeSystems.Medication, "nad-plus", "NAD+", "Nicotinamide adenine dinucleotide (NAD+)"),
            },
        };
        if (s.Dose.LotNumber is { } lot)
        {
            medication.Batch = new Medication.BatchComponent { LotNumber = lot };
        }

        var administration = new MedicationAdministration
        {
            Meta = FhirValues.Profile(ClinicCanonicals.Profiles.MedicationAdministration),
            Contained = [medication],
            Status = withdrawn ? MedicationAdministration.MedicationAdministrationStatusCodes.EnteredInError : s.SessionStatus switch
            {
                "completed" => MedicationAdministration.MedicationAdministrationStatusCodes.Completed,
                "stopped-early" => MedicationAdministration.MedicationAdministrationStatusCodes.Stopped,
                _ => MedicationAdministration.MedicationAdministrationStatusCodes.NotDone,
            },
            Medication = new ResourceReference("#medication") { Display = medication.Code.Text },
            Subject = context.Patient,
            Context = encounter,
            Performer =
            [
                new MedicationAdministration.PerformerComponent { Actor = context.Practitioner(s.Provider.Name, s.Provider.Npi) },
            ],
        };

        if (s.SessionStatus == "no-show")
        {
            administration.StatusReason.Add(FhirValues.Concept(Codes.Snomed, Codes.DidNotAttend, "Did not attend", "Patient did not attend"));
        }
        else if (s.SessionStatus == "cancelled")
        {
            administration.StatusReason.Add(new CodeableConcept { Text = "Session cancelled" });
        }

        // effective[x] is required: the administration's own times, else when it was scheduled, else when the record was written.
        administration.Effective = (s.StartedAt, s.EndedAt) switch
        {
            ({ } start, { } end) => new Period { Start = FhirValues.DateTime(start), End = FhirValues.DateTime(end) },
            ({ } start, null) => FhirValues.FhirDateTime(start),
            _ => FhirValues.FhirDateTime(s.ScheduledStart ?? s.DischargedAt ?? updatedAt),
        };

        if (s.Indication is { } indication)
        {
            administration.ReasonCode.Add(FhirValues.Concept(Codes.Icd10Cm, indication));
        }

        var dosage = new MedicationAdministration.DosageComponent
        {
            Route = Route(s.Route),
            Dose = FhirValues.Quantity(s.Dose.TotalMg, "mg"),
            Text = DosageText(s.Dose, s.Route),
        };
        if (s.Dose.InfusionMinutes is { } minutes)
        {
            dosage.Rate = FhirValues.Quantity(Math.Round(s.Dose.TotalMg / minutes, 4), "mg/min");
        }

        if (s.Dose.MgPerKg is { } perKg)
        {
            dosage.Extension.Add(new Extension(ClinicCanonicals.Extensions.DosePerKg, FhirValues.Quantity(perKg, "mg/kg")));
        }

        administration.Dosage = dosage;
        return administration;
    }

    private static string DosageText(DoseInfo dose, string route)
    {
        var text = new StringBuilder();
        text.Append(System.FormattableString.Invariant($"{dose.TotalMg} mg"));
        if (dose.MgPerKg is { } perKg)
        {
            text.Append(System.FormattableString.Invariant($" ({perKg} mg/kg)"));
        }

        text.Append(route switch
        {
            "iv" => " IV",
            "im" => " IM",
            "intranasal" => " intranasal",
            "sublingual" => " sublingual",
            _ => " by mouth",
        });
        if (dose.InfusionMinutes is { } minutes)
        {
            text.Append(System.FormattableString.Invariant($" over {minutes} min"));
        }

        return text.ToString();
    }

    private static CodeableConcept Route(string route) => route switch
    {
        "iv" => FhirValues.Concept(Codes.Snomed, Codes.RouteIntravenous, "Intravenous route"),
        "im" => FhirValues.Concept(Codes.Snomed, Codes.RouteIntramuscular, "Intramuscular route"),
        "intranasal" => FhirValues.Concept(Codes.Snomed, Codes.RouteNasal, "Nasal route"),
        "sublingual" => FhirValues.Concept(Codes.Snomed, Codes.RouteSublingual, "Sublingual route"),
        _ => FhirValues.Concept(Codes.Snomed, Codes.RouteOral, "Oral route"),
    };

    private static void MapVitals(PatientContext context, SessionVitals vitals, string prefix, bool withdrawn, ResourceReference encounter)
    {
        var at = FhirValues.FhirDateTime(vitals.At);
        var phase = new Extension(ClinicCanonicals.Extensions.SessionPhase, FhirValues.Coding(ClinicCanonicals.CodeSystems.SessionPhase, vitals.Phase));

        void Add(Observation observation, string suffix)
        {
            observation.Encounter = encounter;
            observation.Extension.Add((Extension)phase.DeepCopy());
            context.Add(observation, $"{prefix}.{suffix}");
        }

        if (vitals.Systolic is not null || vitals.Diastolic is not null)
        {
            Add(Observations.BloodPressure(context, vitals.Systolic, vitals.Diastolic, at, withdrawn), "bp");
        }

        if (vitals.HeartRate is { } hr)
        {
            Add(Observations.Vital(context, Codes.HeartRate, "Heart rate", FhirValues.Quantity(hr, "/min"), at, withdrawn), "hr");
        }

        if (vitals.Spo2 is { } spo2)
        {
            Add(Observations.OxygenSaturation(context, spo2, at, withdrawn), "spo2");
        }

        if (vitals.RespiratoryRate is { } rr)
        {
            Add(Observations.Vital(context, Codes.RespiratoryRate, "Respiratory rate", FhirValues.Quantity(rr, "/min"), at, withdrawn), "rr");
        }
    }

    private static Observation SideEffect(PatientContext context, SideEffectInfo effect, FhirDateTime? started, ClinicRecord record, bool withdrawn, ResourceReference encounter)
    {
        var observation = new Observation
        {
            Status = withdrawn ? ObservationStatus.EnteredInError : ObservationStatus.Final,
            Category = [FhirValues.Category("exam", "Exam")],
            Code = FhirValues.Concept(ClinicCanonicals.CodeSystems.SideEffect, effect.Effect, null, $"Side effect: {effect.Effect.Replace('-', ' ')}"),
            Subject = context.Patient,
            Encounter = encounter,
            Effective = (DataType?)started ?? FhirValues.FhirDateTime(record.UpdatedAt),
            Value = effect.Severity switch
            {
                "mild" => FhirValues.Concept(Codes.Snomed, Codes.SeverityMild, "Mild"),
                "moderate" => FhirValues.Concept(Codes.Snomed, Codes.SeverityModerate, "Moderate"),
                _ => FhirValues.Concept(Codes.Snomed, Codes.SeveritySevere, "Severe"),
            },
        };
        if (effect.TreatedWith is { } treatment)
        {
            observation.Note.Add(new Annotation { Text = new Markdown($"Treated with: {treatment}") });
        }

        return observation;
    }

    private static DocumentReference Note(PatientContext context, string notes, ClinicRecord record, bool withdrawn, ResourceReference encounter) => new()
    {
        Status = withdrawn ? DocumentReferenceStatus.EnteredInError : DocumentReferenceStatus.Current,
        Type = FhirValues.Concept(Codes.Loinc, Codes.ProgressNote, "Progress note"),
        Category = [FhirValues.Concept(ClinicCanonicals.CodeSystems.DataClass, "counseling-notes", "SUD counseling notes")],
        Subject = context.Patient,
        Date = record.UpdatedAt,
        Content =
        [
            new DocumentReference.ContentComponent
            {
                Attachment = new Attachment { ContentType = "text/plain; charset=utf-8", Data = Encoding.UTF8.GetBytes(notes), Title = "Session note" },
            },
        ],
        Context = new DocumentReference.ContextComponent { Encounter = [encounter] },
    };
}
