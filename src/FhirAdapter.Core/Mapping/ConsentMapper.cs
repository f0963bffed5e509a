using FhirAdapter.Core.Reading;
using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Mapping;

/// <summary>
/// consent → Consent. Treatment and telehealth consents are informed consent (scope treatment);
/// disclosure and counseling-notes consents are 42 CFR Part 2 releases (scope patient-privacy,
/// policyRule 42CFRPart2, recipients as IRCP actors).
/// </summary>
internal static class ConsentMapper
{
    public static void Map(PatientContext context, ClinicRecord record)
    {
        var c = record.As<ConsentPayload>();
        var consent = new Consent
        {
            Meta = FhirValues.Profile(c.IsDisclosure ? ClinicCanonicals.Profiles.DisclosureConsent : ClinicCanonicals.Profiles.TreatmentConsent),
            Status = record.IsEnteredInError ? Consent.ConsentState.EnteredInError : c.State switch
            {
                "signed" => Consent.ConsentState.Active,
                "revoked" => Consent.ConsentState.Inactive,
                _ => Consent.ConsentState.Rejected,
            },
            Scope = c.IsDisclosure
                ? FhirValues.Concept(Codes.ConsentScope, "patient-privacy", "Privacy Consent")
                : FhirValues.Concept(Codes.ConsentScope, "treatment", "Treatment"),
            Category = [c.IsDisclosure
                ? FhirValues.Concept(Codes.Loinc, Codes.ConsentReleaseOfInformation, "Release of information consent")
                : FhirValues.Concept(Codes.Loinc, Codes.ConsentPatient, "Patient consent")],
            Patient = context.Patient,
            DateTime = FhirValues.DateTime(c.SignedAt),
        };
        consent.Category[0].Text = c.ConsentType switch
        {
            "treatment" => "Informed consent to ketamine treatment",
            "telehealth" => "Telehealth consent",
            "disclosure" => "Consent to disclose SUD treatment records (42 CFR Part 2)",
            _ => "Consent to disclose SUD counseling notes (42 CFR Part 2)",
        };

        if (c.IsDisclosure)
        {
            consent.PolicyRule = FhirValues.Concept(Codes.V3ActCode, "42CFRPart2", "42 CFR Part2");
        }
        else
        {
            consent.Policy.Add(new Consent.PolicyComponent { Uri = context.Canonicals.PolicyUrl(c.ConsentType) });
        }

        consent.Performer.Add(Signer(consent, c.SignedBy, context));
        consent.Extension.Add(new Extension(ClinicCanonicals.Extensions.SignatureMethod, new Code(c.SignatureMethod)));
        foreach (var topic in c.EducationTopics)
        {
            consent.Extension.Add(new Extension(ClinicCanonicals.Extensions.EducationTopic, FhirValues.Coding(ClinicCanonicals.CodeSystems.EducationTopic, topic)));
        }

        if (c.WitnessName is { } witness)
        {
            consent.Verification.Add(new Consent.VerificationComponent
            {
                Verified = true,
                VerifiedWith = new ResourceReference { Display = $"Witness: {witness}" },
                VerificationDateElement = new FhirDateTime(FhirValues.DateTime(c.SignedAt)),
            });
        }

        if (c.Document is { } document)
        {
            var attachment = new Attachment { Url = document.Url, ContentType = document.ContentType, Title = "Signed consent form" };
            if (document.Sha256 is { } sha)
            {
                // Attachment.hash is SHA-1 in R4: the SHA-256 the clinic gives goes in an extension.
                attachment.Extension.Add(new Extension(ClinicCanonicals.Extensions.AttachmentSha256, new FhirString(sha.ToLowerInvariant())));
            }

            consent.Source = attachment;
        }

        consent.Provision = Provision(context, c);
        context.Add(consent, record.RecordId);
    }

    private static Consent.provisionComponent Provision(PatientContext context, ConsentPayload c)
    {
        var end = c.RevokedAt is { } revoked ? FhirValues.DateTime(revoked) : c.ExpiresAt;
        var provision = new Consent.provisionComponent
        {
            Type = c.State == "declined" ? Consent.ConsentProvisionType.Deny : Consent.ConsentProvisionType.Permit,
            Period = new Period { Start = FhirValues.DateTime(c.SignedAt), End = end },
        };

        if (!c.IsDisclosure)
        {
            return provision;
        }

        provision.Action.Add(FhirValues.Concept(Codes.ConsentAction, "disclose", "Disclose"));
        foreach (var recipient in c.Recipients)
        {
            provision.Actor.Add(new Consent.provisionActorComponent
            {
                Role = FhirValues.Concept(Codes.V3ParticipationType, "IRCP", "information recipient"),
                Reference = FhirValues.Logical("Organization", context.Canonicals.OrganizationSystem, recipient.OrganizationId, recipient.Name),
            });
        }

        foreach (var purpose in c.Purposes)
        {
            provision.Purpose.Add(purpose switch
            {
                "treatment" => FhirValues.Coding(Codes.V3ActReason, "TREAT", "treatment"),
                "payment" => FhirValues.Coding(Codes.V3ActReason, "HPAYMT", "healthcare payment"),
                _ => FhirValues.Coding(Codes.V3ActReason, "HOPERAT", "healthcare operations"),
            });
        }

        if (c.ConsentType == "counseling-notes")
        {
            provision.Class.Add(FhirValues.Coding(ClinicCanonicals.CodeSystems.DataClass, "counseling-notes", "SUD counseling notes"));
        }
        else if (c.DataScope == "exclude-counseling-notes")
        {
            provision.Provision.Add(new Consent.provisionComponent
            {
                Type = Consent.ConsentProvisionType.Deny,
                Class = [FhirValues.Coding(ClinicCanonicals.CodeSystems.DataClass, "counseling-notes", "SUD counseling notes")],
            });
        }

        return provision;
    }

    /// <summary>Who signed: the patient, or a guardian or representative (a contained RelatedPerson).</summary>
    private static ResourceReference Signer(Consent consent, string signedBy, PatientContext context)
    {
        if (signedBy == "patient")
        {
            return context.Patient;
        }

        var (code, display) = signedBy == "guardian" ? ("GUARD", "guardian") : ("POWATT", "power of attorney");
        consent.Contained.Add(new RelatedPerson
        {
            Id = "signer",
            Patient = context.Patient,
            Relationship = [FhirValues.Concept(Codes.V3RoleCode, code, display, signedBy)],
        });
        return new ResourceReference("#signer") { Display = signedBy == "guardian" ? "Guardian" : "Legal representative" };
    }
}
