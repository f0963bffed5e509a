using Hl7.Fhir.Model;

namespace FhirAdapter.Testing.Validation;

/// <summary>
/// Hand-made cases for the invariants the clinic's resources (and their mutants) never reach, or never break: for
/// each, instances that make it true and false, as a resource and the element the invariant is evaluated on. The
/// invariant differential holds the predicate to Firely's evaluation on each; which way each case goes is Firely's
/// to say, not this file's.
/// </summary>
internal static class InvariantCases
{
    private const string Ucum = "http://unitsofmeasure.org";
    private const string Loinc = "http://loinc.org";
    private const string Assessment = "https://fhir.kwc.example/CodeSystem/kwc-assessment";
    private const string ConditionClinical = "http://terminology.hl7.org/CodeSystem/condition-clinical";
    private const string ConditionVerification = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
    private const string AllergyClinical = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
    private const string AllergyVerification = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";

    public static IEnumerable<(string Key, Resource Resource, Base Element)> All()
    {
        foreach (var @case in AlwaysMet())
            yield return @case;

        // AllergyIntolerance: ait-1, ait-2.
        foreach (var (clinical, verification) in new[] { (true, false), (false, false), (true, true), (false, true) })
        {
            var a = new AllergyIntolerance
            {
                Patient = new ResourceReference("Patient/1"),
                ClinicalStatus = clinical ? new CodeableConcept(AllergyClinical, "active") : null,
                VerificationStatus = verification ? new CodeableConcept(AllergyVerification, "entered-in-error") : null,
            };
            yield return ("ait-1", a, a);
            yield return ("ait-2", a, a);
        }

        // Condition: con-1 (stage), con-2 (evidence), con-3, con-4, con-5.
        foreach (var summary in new[] { true, false })
        {
            var c = Condition();
            c.Stage = [new Condition.StageComponent { Summary = summary ? new CodeableConcept(Loinc, "x") : null, Type = new CodeableConcept(Loinc, "y") }];
            yield return ("con-1", c, c.Stage[0]);
            var e = Condition();
            e.Evidence = [summary ? new Condition.EvidenceComponent { Code = [new CodeableConcept(Loinc, "x")] } : new Condition.EvidenceComponent()];
            yield return ("con-2", e, e.Evidence[0]);
        }

        foreach (var (clinical, abated, error, problem) in new[] { ("active", false, false, true), (null, false, false, true), ("active", true, false, false), ("resolved", true, false, false), ("active", false, true, false), (null, false, true, false) })
        {
            var c = Condition();
            c.ClinicalStatus = clinical is null ? null : new CodeableConcept(ConditionClinical, clinical);
            c.Abatement = abated ? new FhirString("spring") : null;
            c.VerificationStatus = error ? new CodeableConcept(ConditionVerification, "entered-in-error") : null;
            c.Category = problem ? [new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-category", "problem-list-item")] : [];
            yield return ("con-3", c, c);
            yield return ("con-4", c, c);
            yield return ("con-5", c, c);
        }

        // DomainResource: dom-2, dom-4, dom-5 (what a contained resource may not carry).
        for (var i = 0; i < 4; i++)
        {
            var inner = new Medication { Id = "med", Code = new CodeableConcept("http://www.nlm.nih.gov/research/umls/rxnorm", "6130") };
            if (i == 1)
                inner.Contained = [new Medication { Id = "inner" }];
            if (i == 2)
                inner.Meta = new Meta { VersionId = "2", LastUpdated = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero) };
            if (i == 3)
                inner.Meta = new Meta { Security = [new Coding("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R")] };
            var m = new MedicationStatement
            {
                Status = MedicationStatement.MedicationStatusCodes.Active,
                Medication = new ResourceReference("#med"),
                Subject = new ResourceReference("Patient/1"),
                Contained = [inner],
            };
            yield return ("dom-2", m, m);
            yield return ("dom-4", m, m);
            yield return ("dom-5", m, m);
        }

        // Duration (drt-1), Quantity (qty-3, sqty-1), Range (rng-2, ras-1): as extension values, so that each is an element of a resource.
        foreach (var quantity in new Quantity[]
        {
            new Duration { Value = 5, Code = "min", System = Ucum }, new Duration { Value = 5, Code = "min" }, new Duration { Code = "min", System = Ucum },
            new Duration { Value = 5, Code = "min", System = "http://example.org/units" }, new Duration { Value = 5, Unit = "minutes" },
        })
        {
            var (p, element, _) = OnPatient(quantity);
            yield return ("drt-1", p, element);
        }

        foreach (var quantity in new Quantity[] { new() { Value = 1, Code = "mg", System = Ucum }, new() { Value = 1, Code = "mg" }, new() { Value = 1, Comparator = Quantity.QuantityComparator.LessThan, Code = "mg", System = Ucum } })
        {
            var (p, element, _) = OnPatient(quantity);
            yield return ("qty-3", p, element);
            yield return ("sqty-1", p, element);
        }

        foreach (var (low, high, code) in new (decimal?, decimal?, string)[] { (1, null, "%"), (null, 3, "%"), (5, 3, "%"), (1, 3, "%"), (1, 3, "mg"), (1, null, "mg") })
        {
            var range = new Hl7.Fhir.Model.Range
            {
                Low = low is { } l ? new Quantity { Value = l, Code = code, System = Ucum } : null,
                High = high is { } h ? new Quantity { Value = h, Code = code, System = Ucum } : null,
            };
            var (p, element, _) = OnPatient(range);
            yield return ("rng-2", p, element);
            yield return ("ras-1", p, element);
        }

        // MedicationAdministration: kwc-mad-1.
        foreach (var (status, rate, period) in new[] { ("completed", false, false), ("completed", true, false), ("completed", false, true), ("not-done", false, false) })
        {
            var m = new MedicationAdministration
            {
                StatusElement = new Code<MedicationAdministration.MedicationAdministrationStatusCodes> { JsonValue = status },
                Medication = new CodeableConcept("http://www.nlm.nih.gov/research/umls/rxnorm", "6130"),
                Subject = new ResourceReference("Patient/1"),
                Effective = period ? new Period { Start = "2024-01-01T10:00:00Z", End = "2024-01-01T11:00:00Z" } : new FhirDateTime("2024-01-01T10:00:00Z"),
                Dosage = new MedicationAdministration.DosageComponent
                {
                    Route = new CodeableConcept("http://snomed.info/sct", "47625008"),
                    Dose = new Quantity { Value = 35, Code = "mg", System = Ucum },
                    Rate = rate ? new Quantity { Value = 1, Code = "mg/min", System = Ucum } : null,
                },
            };
            yield return ("kwc-mad-1", m, m);
        }

        // The clinic's extensions: kwc-num-1, kwc-num-2.
        foreach (DataType value in new DataType[] { new Integer(0), new Integer(1), new Integer(-3), new PositiveInt(2), new FhirString("3") })
        {
            var (p, _, extension) = OnPatient(value);
            yield return ("kwc-num-1", p, extension);
            yield return ("kwc-num-2", p, extension);
        }

        // Observations: the score ranges, kwc-vs-1, obs-3, obs-6, obs-7, vs-3.
        foreach (var (key, system, code, values) in new[]
        {
            ("kwc-score-2", Loinc, "70274-6", new[] { 0, 21, 22, -1 }),
            ("kwc-score-3", Assessment, "cadss", new[] { 0, 92, 93, -1 }),
            ("kwc-score-5", Assessment, "ybocs", new[] { 0, 40, 41, -1 }),
        })
        {
            foreach (var v in values)
            {
                var o = Observation(system, code, new Integer(v));
                yield return (key, o, o);
            }
        }

        foreach (var (value, component) in new[] { (true, false), (false, true), (true, true), (false, false) })
        {
            var o = Observation(Loinc, "85354-9", value ? new Quantity { Value = 120, Code = "mm[Hg]", System = Ucum } : null);
            if (component)
                o.Component = [new Observation.ComponentComponent { Code = new CodeableConcept(Loinc, "8480-6"), Value = new Quantity { Value = 120, Code = "mm[Hg]", System = Ucum } }];
            yield return ("kwc-vs-1", o, o);
        }

        foreach (var (low, text) in new[] { (true, false), (false, true), (false, false) })
        {
            var o = Observation(Loinc, "8867-4", new Quantity { Value = 60, Code = "/min", System = Ucum });
            o.ReferenceRange = [new Observation.ReferenceRangeComponent { Low = low ? new Quantity { Value = 50, Code = "/min", System = Ucum } : null, Text = text ? "normal" : null, Type = new CodeableConcept(Loinc, "x") }];
            yield return ("obs-3", o, o.ReferenceRange[0]);
        }

        foreach (var (value, absent) in new[] { (true, false), (false, true), (true, true) })
        {
            var o = Observation(Loinc, "8867-4", value ? new Quantity { Value = 60, Code = "/min", System = Ucum } : null);
            o.DataAbsentReason = absent ? new CodeableConcept("http://terminology.hl7.org/CodeSystem/data-absent-reason", "unknown") : null;
            yield return ("obs-6", o, o);
        }

        foreach (var sameCode in new[] { false, true })
        {
            var o = Observation(Loinc, "8867-4", new Quantity { Value = 60, Code = "/min", System = Ucum });
            o.Component = [new Observation.ComponentComponent { Code = new CodeableConcept(Loinc, sameCode ? "8867-4" : "8480-6"), Value = new Quantity { Value = 1, Code = "/min", System = Ucum } }];
            yield return ("obs-7", o, o);
        }

        foreach (var (value, absent) in new[] { (true, false), (false, true), (false, false) })
        {
            var o = Observation(Loinc, "85354-9", null);
            o.Component = [new Observation.ComponentComponent
            {
                Code = new CodeableConcept(Loinc, "8480-6"),
                Value = value ? new Quantity { Value = 120, Code = "mm[Hg]", System = Ucum } : null,
                DataAbsentReason = absent ? new CodeableConcept("http://terminology.hl7.org/CodeSystem/data-absent-reason", "unknown") : null,
            }];
            yield return ("vs-3", o, o.Component[0]);
        }

        // Organization: org-1, org-2 (its addresses), org-3 (its telecoms).
        foreach (var named in new[] { true, false })
        {
            var org = new Organization { Active = true, Name = named ? "Clinic" : null };
            yield return ("org-1", org, org);
        }

        foreach (var use in new[] { Address.AddressUse.Work, Address.AddressUse.Home })
        {
            var org = new Organization { Name = "Clinic", Address = [new Address { Use = use, City = "Springfield" }] };
            yield return ("org-2", org, org.Address[0]);
        }

        foreach (var use in new[] { ContactPoint.ContactPointUse.Work, ContactPoint.ContactPointUse.Home })
        {
            var org = new Organization { Name = "Clinic", Telecom = [new ContactPoint { System = ContactPoint.ContactPointSystem.Phone, Value = "555", Use = use }] };
            yield return ("org-3", org, org.Telecom[0]);
        }

        // Patient.contact: pat-1.
        foreach (var named in new[] { true, false })
        {
            var p = new Patient { Contact = [new Patient.ContactComponent { Name = named ? new HumanName { Family = "Doe" } : null, Gender = AdministrativeGender.Female }] };
            yield return ("pat-1", p, p.Contact[0]);
        }

        // Consent: ppc-1 (a policy), ppc-2..5 (a patient where the scope says so; the core's expressions test system 'something').
        foreach (var (policy, patient, code) in new[] { (true, true, "treatment"), (false, true, "treatment"), (true, false, "patient-privacy"), (true, false, "research"), (true, false, "adr"), (true, false, "treatment"), (true, false, "other") })
        {
            var c = new Consent
            {
                Status = Consent.ConsentState.Active,
                Scope = new CodeableConcept("something", code),
                Category = [new CodeableConcept(Loinc, "59284-0")],
                Patient = patient ? new ResourceReference("Patient/1") : null,
                Policy = policy ? [new Consent.PolicyComponent { Uri = "https://example.org/policy" }] : [],
            };
            foreach (var key in new[] { "ppc-1", "ppc-2", "ppc-3", "ppc-4", "ppc-5" })
                yield return (key, c, c);
        }

        // ServiceRequest: prr-1.
        foreach (var coded in new[] { true, false })
        {
            var s = new ServiceRequest
            {
                Status = RequestStatus.Active,
                Intent = RequestIntent.Order,
                Subject = new ResourceReference("Patient/1"),
                Code = coded ? new CodeableConcept(Loinc, "x") : null,
                OrderDetail = [new CodeableConcept(Loinc, "y")],
            };
            yield return ("prr-1", s, s);
        }

        // QuestionnaireResponse.item: qrs-1.
        foreach (var nested in new[] { false, true })
        {
            var q = new QuestionnaireResponse
            {
                Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
                Item = [new QuestionnaireResponse.ItemComponent
                {
                    LinkId = "1",
                    Answer = [new QuestionnaireResponse.AnswerComponent { Value = new FhirString("yes") }],
                    Item = nested ? [new QuestionnaireResponse.ItemComponent { LinkId = "1.1" }] : [],
                }],
            };
            yield return ("qrs-1", q, q.Item[0]);
        }

        // RiskAssessment.prediction: ras-2.
        foreach (var probability in new[] { 5m, 100m, 101m })
        {
            var r = new RiskAssessment
            {
                Status = ObservationStatus.Final,
                Subject = new ResourceReference("Patient/1"),
                Prediction = [new RiskAssessment.PredictionComponent { Probability = new FhirDecimal(probability) }],
            };
            yield return ("ras-2", r, r.Prediction[0]);
        }
    }

    // Invariants the clinic's resources always meet: a case each way.
    private static IEnumerable<(string Key, Resource Resource, Base Element)> AlwaysMet()
    {
        foreach (var referenced in new[] { true, false })
        {
            var m = new MedicationStatement
            {
                Status = MedicationStatement.MedicationStatusCodes.Active,
                Medication = new ResourceReference(referenced ? "#med" : "Medication/1"),
                Subject = new ResourceReference("Patient/1"),
                Contained = [new Medication { Id = "med", Code = new CodeableConcept("http://www.nlm.nih.gov/research/umls/rxnorm", "6130") }],
            };
            yield return ("dom-3", m, m);
            yield return ("ref-1", m, m.Medication);
        }

        foreach (var reference in new[] { "#missing", "Patient/1" })
        {
            var o = Observation(Loinc, "8867-4", new Quantity { Value = 60, Code = "/min", System = Ucum });
            o.Subject = new ResourceReference(reference);
            yield return ("ref-1", o, o.Subject);
        }

        foreach (var end in new[] { true, false })
        {
            var e = new Encounter
            {
                Status = Encounter.EncounterStatus.Finished,
                Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB"),
                Period = new Period { Start = "2024-01-01T10:00:00Z", End = end ? "2024-01-01T11:00:00Z" : null },
            };
            yield return ("kwc-enc-1", e, e);
            yield return ("per-1", e, e.Period);
        }

        foreach (var (start, finish) in new[]
        {
            ("2024-01-02T10:00:00Z", "2024-01-01T10:00:00Z"), ("2024-01-01T10:00:00+02:00", "2024-01-01T09:00:00Z"),
            ("2024-01-01", "2025-01-01"), ("2025-01-01", "2024-01-01"), ("2024-03-01", "2024-03-01"), ("2024-01", "2024-02"), ("2024-02", "2024-01"),
            ("2024", "2025"), ("2025", "2024"), ("2024-01", "2024-01-15"), ("2024-01-15", "2024-01-15T10:00:00Z"), ("2024-13-01", "2024-14-01"),
            ("2026-02-16T11:25:00-05:00", "2027-02-16"), ("2026-02-16T23:25:00-05:00", "2026-02-17"), ("2026-02-16T11:25:00-05:00", "2026-02-16"),
            ("2027-02-16T10:00:00Z", "2026-02-16"), ("2026-02-15", "2026-02-16T01:00:00+03:00"), ("2026-02-16", "2026-02-16T10:00:00Z"),
            ("2026-12-31T23:30:00-05:00", "2027-01-01"), ("2026-12-31T20:00:00-05:00", "2027-01-01"),
        })
        {
            var e = new Encounter { Status = Encounter.EncounterStatus.Finished, Class = new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB"), Period = new Period { Start = start, End = finish } };
            yield return ("per-1", e, e.Period);
        }

        foreach (var (key, system, code, values) in new[] { ("kwc-score-1", Loinc, "44261-6", new[] { 27, 28 }), ("kwc-score-4", Assessment, "moaas", new[] { 5, 6 }) })
        {
            foreach (var v in values)
            {
                var o = Observation(system, code, new Integer(v));
                yield return (key, o, o);
            }
        }

        foreach (var dose in new[] { true, false })
        {
            var m = new MedicationAdministration
            {
                Status = MedicationAdministration.MedicationAdministrationStatusCodes.Completed,
                Medication = new CodeableConcept("http://www.nlm.nih.gov/research/umls/rxnorm", "6130"),
                Subject = new ResourceReference("Patient/1"),
                Effective = new FhirDateTime("2024-01-01T10:00:00Z"),
                Dosage = new MedicationAdministration.DosageComponent
                {
                    Route = new CodeableConcept("http://snomed.info/sct", "47625008"),
                    Dose = dose ? new Quantity { Value = 35, Code = "mg", System = Ucum } : null,
                },
            };
            yield return ("mad-1", m, m.Dosage);
        }

        foreach (var when in new[] { "2024-01-01T10:00:00Z", "2024-01", "2024-01-01" })
        {
            var o = Observation(Loinc, "8867-4", new Quantity { Value = 60, Code = "/min", System = Ucum });
            o.Effective = new FhirDateTime(when);
            yield return ("vs-1", o, o.Effective);
        }

        foreach (var value in new[] { true, false })
        {
            var o = Observation(Loinc, "8867-4", value ? new Quantity { Value = 60, Code = "/min", System = Ucum } : null);
            yield return ("vs-2", o, o);
        }
    }

    private static Condition Condition() => new() { Subject = new ResourceReference("Patient/1"), Code = new CodeableConcept("http://hl7.org/fhir/sid/icd-10-cm", "F33.2") };

    private static Observation Observation(string system, string code, DataType? value) => new()
    {
        Status = ObservationStatus.Final,
        Code = new CodeableConcept(system, code),
        Subject = new ResourceReference("Patient/1"),
        Value = value,
    };

    // A value as an extension of a Patient: the datatype's element, and its extension.
    private static (Patient Patient, Base Value, Extension Extension) OnPatient(DataType value)
    {
        var extension = new Extension("https://fhir.kwc.example/StructureDefinition/course-session-number", value);
        var patient = new Patient { Extension = [extension] };
        return (patient, value, extension);
    }
}
