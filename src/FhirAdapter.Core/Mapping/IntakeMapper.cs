using FhirAdapter.Core.Reading;
using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Mapping;

/// <summary>
/// intake → Patient, QuestionnaireResponse, Observations, Conditions, MedicationStatements,
/// substance use, contraindications and misuse risk (docs/mapping.md says which FHIR element each
/// clinic field becomes and why).
/// </summary>
internal static class IntakeMapper
{
    /// <summary>The Patient, from the most recent intake.</summary>
    public static Patient MapPatient(PatientContext context, PatientInfo info, bool anyActiveIntake)
    {
        var patient = new Patient
        {
            Meta = FhirValues.Profile(ClinicCanonicals.Profiles.Patient),
            Identifier =
            [
                new Identifier(context.Canonicals.MrnSystem, info.Mrn)
                {
                    Use = Identifier.IdentifierUse.Usual,
                    Type = FhirValues.Concept(Codes.V2IdentifierType, "MR", "Medical record number"),
                },
            ],
            Active = anyActiveIntake,
            BirthDate = FhirValues.Date(info.DateOfBirth),
            Gender = Gender(info.GenderIdentity, info.SexAtBirth),
        };

        var official = new HumanName { Use = HumanName.NameUse.Official, Family = info.LastName };
        official.GivenElement.Add(new FhirString(info.FirstName));
        if (info.MiddleName is { } middle)
        {
            official.GivenElement.Add(new FhirString(middle));
        }

        patient.Name.Add(official);
        if (info.PreferredName is { } preferred)
        {
            patient.Name.Add(new HumanName { Use = HumanName.NameUse.Usual, Given = [preferred], Family = info.LastName });
        }

        patient.Extension.Add(new Extension(Codes.BirthSexExtension, new Code(info.SexAtBirth switch
        {
            "female" => "F",
            "male" => "M",
            _ => "UNK",
        })));
        if (info.GenderIdentity is { } identity)
        {
            patient.Extension.Add(new Extension(Codes.GenderIdentityExtension, new CodeableConcept { Text = identity }));
        }

        if (info.Pronouns is { } pronouns)
        {
            patient.Extension.Add(new Extension(ClinicCanonicals.Extensions.Pronouns, new FhirString(pronouns)));
        }

        foreach (var phone in info.Phones)
        {
            patient.Telecom.Add(new ContactPoint(ContactPoint.ContactPointSystem.Phone, PhoneUse(phone.Use), phone.Number));
        }

        if (info.Email is { } email)
        {
            patient.Telecom.Add(new ContactPoint(ContactPoint.ContactPointSystem.Email, ContactPoint.ContactPointUse.Home, email));
        }

        if (info.Address is { } a)
        {
            var address = new Address { Use = Address.AddressUse.Home, City = a.City, State = a.State, PostalCode = a.PostalCode, Country = a.Country };
            address.LineElement.Add(new FhirString(a.Line1));
            if (a.Line2 is { } line2)
            {
                address.LineElement.Add(new FhirString(line2));
            }

            patient.Address.Add(address);
        }

        if (info.PreferredLanguage is { } language)
        {
            patient.Communication.Add(new Patient.CommunicationComponent
            {
                Language = FhirValues.Concept(Codes.Bcp47, language),
                Preferred = true,
            });
        }

        if (info.MaritalStatus is { } marital)
        {
            patient.MaritalStatus = MaritalStatus(marital);
        }

        if (info.EmergencyContact is { } contact)
        {
            patient.Contact.Add(new Patient.ContactComponent
            {
                Relationship =
                [
                    FhirValues.Concept(Codes.V2ContactRole, "C", "Emergency Contact"),
                    new CodeableConcept { Text = contact.Relationship },
                ],
                Name = new HumanName { Text = contact.Name },
                Telecom = [new ContactPoint(ContactPoint.ContactPointSystem.Phone, null, contact.Phone)],
            });
        }

        if (info.PrimaryCareProvider is { } pcp)
        {
            patient.GeneralPractitioner.Add(context.Practitioner(pcp.Name, pcp.Npi));
        }

        return patient;
    }

    /// <summary>The resources of one intake submission; patient-level facts are keyed by the patient, not the intake.</summary>
    public static void MapIntake(PatientContext context, ClinicRecord record, FormPayload form, string questionnaireCanonical)
    {
        var intake = record.As<IntakePayload>();
        var withdrawn = record.IsEnteredInError;
        var authored = FhirValues.FhirDateTime(intake.SubmittedAt);
        var (response, totals) = QuestionnaireResponseMapper.Map(intake, form, questionnaireCanonical);
        response.Meta = FhirValues.Profile(ClinicCanonicals.Profiles.QuestionnaireResponse);
        response.Subject = context.Patient;
        response.Source = context.Patient;
        if (withdrawn)
        {
            response.Status = QuestionnaireResponse.QuestionnaireResponseStatus.EnteredInError;
        }

        var responseRef = context.Add(response, record.RecordId);

        foreach (var item in form.AllItems().Where(i => i.Score is not null && totals.ContainsKey(i.LinkId)))
        {
            var code = item.Code.FirstOrDefault() ?? item.Score!.Code;
            if (code is null)
            {
                continue; // a total with no code cannot be an Observation anyone could find
            }

            var observation = Observations.Score(context, FhirValues.Concept(code.System, code.Code, code.Display, item.Text), (int)totals[item.LinkId], authored, withdrawn);
            observation.DerivedFrom.Add(responseRef);
            context.Add(observation, $"{record.RecordId}.score.{item.LinkId}");
        }

        if (intake.Vitals is { } v)
        {
            var prefix = $"{record.RecordId}.vitals";
            if (v.WeightKg is { } weight)
            {
                context.Add(Observations.Weight(context, weight, authored, withdrawn), $"{prefix}.weight");
            }

            if (v.HeightCm is { } height)
            {
                context.Add(Observations.Vital(context, Codes.BodyHeight, "Body height", FhirValues.Quantity(height, "cm"), authored, withdrawn), $"{prefix}.height");
            }

            if (v.Systolic is not null || v.Diastolic is not null)
            {
                context.Add(Observations.BloodPressure(context, v.Systolic, v.Diastolic, authored, withdrawn), $"{prefix}.bp");
            }

            if (v.HeartRate is { } hr)
            {
                context.Add(Observations.Vital(context, Codes.HeartRate, "Heart rate", FhirValues.Quantity(hr, "/min"), authored, withdrawn), $"{prefix}.hr");
            }
        }

        if (intake.Patient.ReferredBy is { } referrer)
        {
            var referral = new ServiceRequest
            {
                Status = withdrawn ? RequestStatus.EnteredInError : RequestStatus.Completed,
                Intent = RequestIntent.Order,
                Category = [FhirValues.Concept(Codes.Snomed, Codes.PatientReferral, "Patient referral")],
                Code = new CodeableConcept { Text = "Referral to ketamine & wellness clinic" },
                Subject = context.Patient,
                AuthoredOn = FhirValues.DateTime(intake.SubmittedAt),
                Requester = context.Practitioner(referrer.Name, referrer.Npi),
            };
            if (referrer.Organization is { } organization)
            {
                referral.Note.Add(new Annotation { Text = new Markdown($"Referring organization: {organization}") });
            }

            context.Add(referral, $"{record.RecordId}.referral");
        }

        if (!withdrawn)
        {
            MapPatientFacts(context, intake, authored);
        }
    }

    /// <summary>Conditions, medications, substance use, prior treatments, contraindications and misuse risk.</summary>
    private static void MapPatientFacts(PatientContext context, IntakePayload intake, FhirDateTime asserted)
    {
        var key = context.PatientKey;
        foreach (var condition in intake.Conditions)
        {
            var mapped = new Condition
            {
                VerificationStatus = FhirValues.Concept(Codes.ConditionVerification, "confirmed", "Confirmed"),
                Category = [FhirValues.Concept(Codes.ConditionCategory, "problem-list-item", "Problem List Item")],
                Code = FhirValues.Concept(Codes.Icd10Cm, condition.Icd10Cm, condition.Display),
                Subject = context.Patient,
                RecordedDate = asserted.Value,
            };
            if (condition.ClinicalStatus is { } status)
            {
                mapped.ClinicalStatus = FhirValues.Concept(Codes.ConditionClinical, status, char.ToUpperInvariant(status[0]) + status[1..]);
            }

            if (condition.OnsetDate is { } onset)
            {
                mapped.Onset = new FhirDateTime(onset);
            }

            context.Add(mapped, $"{key}.condition.{condition.Icd10Cm}");
        }

        foreach (var medication in intake.Medications)
        {
            var concept = medication.RxNorm is { } rxnorm
                ? FhirValues.Concept(Codes.RxNorm, rxnorm, null, medication.Name)
                : new CodeableConcept { Text = medication.Name };
            var statement = new MedicationStatement
            {
                Status = medication.Active == false ? MedicationStatement.MedicationStatusCodes.Stopped : MedicationStatement.MedicationStatusCodes.Active,
                Medication = concept,
                Subject = context.Patient,
                DateAsserted = asserted.Value,
                InformationSource = context.Patient,
            };
            var dosage = string.Join(" ", new[] { medication.Dose, medication.Frequency }.Where(s => s is not null));
            if (dosage.Length > 0)
            {
                statement.Dosage.Add(new Dosage { Text = dosage });
            }

            context.Add(statement, $"{key}.medication.{medication.RxNorm ?? FhirValues.Slug(medication.Name)}");
        }

        foreach (var use in intake.SubstanceUse)
        {
            context.Add(Observations.SubstanceUse(context, use, asserted), $"{key}.substance.{use.Substance}");
        }

        foreach (var treatment in intake.PriorTreatments)
        {
            var observation = new Observation
            {
                Status = ObservationStatus.Final,
                Category = [FhirValues.Category("therapy", "Therapy")],
                Code = FhirValues.Concept(ClinicCanonicals.CodeSystems.Observation, "prior-treatment", "Prior treatment"),
                Subject = context.Patient,
                Effective = asserted,
                Value = FhirValues.Concept(ClinicCanonicals.CodeSystems.PriorTreatment, treatment),
            };
            context.Add(observation, $"{key}.prior-treatment.{treatment}");
        }

        ContraindicationMapper.Map(context, intake, asserted);
    }

    private static AdministrativeGender Gender(string? identity, string sexAtBirth)
    {
        var normalized = identity?.Trim().ToLowerInvariant();
        return normalized switch
        {
            "woman" or "female" or "trans woman" or "transgender woman" => AdministrativeGender.Female,
            "man" or "male" or "trans man" or "transgender man" => AdministrativeGender.Male,
            null or "" => sexAtBirth switch
            {
                "female" => AdministrativeGender.Female,
                "male" => AdministrativeGender.Male,
                _ => AdministrativeGender.Unknown,
            },
            _ => AdministrativeGender.Other,
        };
    }

    private static ContactPoint.ContactPointUse PhoneUse(string use) => use switch
    {
        "home" => ContactPoint.ContactPointUse.Home,
        "work" => ContactPoint.ContactPointUse.Work,
        _ => ContactPoint.ContactPointUse.Mobile,
    };

    private static CodeableConcept MaritalStatus(string text)
    {
        var code = text.Trim().ToLowerInvariant() switch
        {
            "married" => ("M", "Married"),
            "single" or "never married" => ("S", "Never Married"),
            "divorced" => ("D", "Divorced"),
            "widowed" => ("W", "Widowed"),
            "separated" or "legally separated" => ("L", "Legally Separated"),
            "domestic partner" or "domestic-partner" => ("T", "Domestic partner"),
            _ => default,
        };
        return code == default
            ? new CodeableConcept { Text = text }
            : FhirValues.Concept(Codes.V3MaritalStatus, code.Item1, code.Item2, text);
    }
}
