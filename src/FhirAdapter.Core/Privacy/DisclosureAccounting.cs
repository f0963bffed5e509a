using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FhirAdapter.Core.Mapping;
using Hl7.Fhir.Model;

namespace FhirAdapter.Core.Privacy;

/// <summary>
/// The accounting of disclosures: one R4 AuditEvent per disclosure (who received what, when, why,
/// under which consent, by push or pull), and the <see cref="DisclosureRecord"/> the store keeps.
/// Build it once the data has left (push: the destination accepted the transaction; pull: the
/// response is being written), from the very resources that left.
/// </summary>
public sealed class DisclosureAccounting
{
    private readonly ClinicCanonicals _canonicals;

    public DisclosureAccounting(ClinicCanonicals canonicals)
    {
        ArgumentNullException.ThrowIfNull(canonicals);
        _canonicals = canonicals;
    }

    /// <summary>The record of one disclosure, its AuditEvent included.</summary>
    public DisclosureRecord Record(
        string patientKey, string patientMrn, ConsentDecision decision, DisclosureChannel channel, IEnumerable<Resource> disclosed, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(disclosed);
        var resources = disclosed.ToList();
        var audit = BuildAuditEvent(patientKey, patientMrn, decision, channel, resources, time);
        var keys = resources.Select(ResourceKey).ToList();
        return new DisclosureRecord(audit.Id!, patientKey, decision.OrganizationId, decision.Purpose, decision.ConsentRecordId!, channel, time, keys,
            FhirJson.Serialize(audit, pretty: false));
    }

    /// <summary>
    /// The AuditEvent: type DICOM Export, subtype ISO 21089 disclose plus the REST interaction
    /// (transaction for push, search for pull), action R, outcome success, purposeOfEvent the purpose;
    /// agents the adapter (source role) and the receiving organization (destination role), the one
    /// that started it being the requestor; entities the patient (by MRN identifier), the consent and
    /// each disclosed resource.
    /// </summary>
    public AuditEvent BuildAuditEvent(
        string patientKey, string patientMrn, ConsentDecision decision, DisclosureChannel channel, IEnumerable<Resource> disclosed, DateTimeOffset time)
    {
        ArgumentException.ThrowIfNullOrEmpty(patientKey);
        ArgumentException.ThrowIfNullOrEmpty(patientMrn);
        ArgumentNullException.ThrowIfNull(decision);
        ArgumentNullException.ThrowIfNull(disclosed);
        if (!decision.IsPermitted)
        {
            throw new InvalidOperationException("A Deny decision discloses nothing and has nothing to account for.");
        }

        if (!Enum.IsDefined(channel))
        {
            throw new ArgumentOutOfRangeException(nameof(channel), "Unknown disclosure channel.");
        }

        var resources = disclosed.ToList();
        var keys = resources.Select(ResourceKey).ToList();
        var audit = new AuditEvent
        {
            Id = RecordId(patientKey, decision, channel, time, keys),
            Meta = new Meta
            {
                // The accounting names the patient and what was disclosed: it is as restricted as the data.
                Security =
                [
                    new Coding(PrivacyCodes.V3Confidentiality, PrivacyCodes.Restricted, "restricted"),
                    new Coding(PrivacyCodes.V3ActCode, PrivacyCodes.Part2Policy, "42 CFR Part2"),
                ],
            },
            Type = new Coding(PrivacyCodes.Dicom, PrivacyCodes.ExportEvent, "Export"),
            Subtype =
            [
                new Coding(PrivacyCodes.Iso21089Lifecycle, PrivacyCodes.DiscloseLifecycleEvent, "Disclose"),
                channel == DisclosureChannel.Push
                    ? new Coding(PrivacyCodes.RestfulInteraction, "transaction", "transaction")
                    : new Coding(PrivacyCodes.RestfulInteraction, "search", "search"),
            ],
            Action = AuditEvent.AuditEventAction.R,
            Recorded = time,
            Outcome = AuditEvent.AuditEventOutcome.N0,
            OutcomeDesc = channel == DisclosureChannel.Push ? "Pushed to the organization's FHIR server" : "Read by the organization's API client",
            PurposeOfEvent = [new CodeableConcept { Coding = [decision.Purpose.ActReason()] }],
            Agent =
            [
                new AuditEvent.AgentComponent
                {
                    Type = PrivacyCodes.Concept(PrivacyCodes.Dicom, PrivacyCodes.SourceRole, "Source Role ID"),
                    Who = new ResourceReference { Display = "FhirAdapter (for the clinic's 42 CFR Part 2 program)" },
                    Requestor = channel == DisclosureChannel.Push,
                },
                new AuditEvent.AgentComponent
                {
                    Type = PrivacyCodes.Concept(PrivacyCodes.Dicom, PrivacyCodes.DestinationRole, "Destination Role ID"),
                    Who = new ResourceReference
                    {
                        Type = "Organization",
                        Identifier = new Identifier(_canonicals.OrganizationSystem, decision.OrganizationId),
                    },
                    Requestor = channel == DisclosureChannel.Pull,
                    PurposeOfUse = [new CodeableConcept { Coding = [decision.Purpose.ActReason()] }],
                },
            ],
            Source = new AuditEvent.SourceComponent
            {
                Observer = new ResourceReference { Display = "FhirAdapter" },
                Type = [new Coding(PrivacyCodes.SecuritySourceType, PrivacyCodes.ApplicationServer, "Application Server")],
            },
        };

        audit.Entity.Add(new AuditEvent.EntityComponent
        {
            What = new ResourceReference { Type = "Patient", Identifier = new Identifier(_canonicals.MrnSystem, patientMrn) },
            Type = new Coding(PrivacyCodes.AuditEntityType, PrivacyCodes.EntityPerson, "Person"),
            Role = new Coding(PrivacyCodes.ObjectRole, PrivacyCodes.RolePatient, "Patient"),
        });
        audit.Entity.Add(ConsentEntity(decision.ConsentRecordId!, "The consent the disclosure rests on"));
        if (decision.CounselingNotesConsentRecordId is { } notes)
        {
            audit.Entity.Add(ConsentEntity(notes, "The consent releasing SUD counseling notes"));
        }

        foreach (var resource in resources)
        {
            audit.Entity.Add(new AuditEvent.EntityComponent
            {
                What = Reference(resource),
                Type = new Coding(PrivacyCodes.ResourceTypes, resource.TypeName, resource.TypeName),
                Role = new Coding(PrivacyCodes.ObjectRole, PrivacyCodes.RoleDomainResource, "Domain Resource"),
            });
        }

        return audit;
    }

    /// <summary>
    /// The key a disclosed resource is listed under: <c>Type/id</c> with a server id, else the
    /// conditional-update key of the mapping (identifier, or tag for a Provenance).
    /// </summary>
    public static string ResourceKey(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (!string.IsNullOrEmpty(resource.Id))
        {
            return $"{resource.TypeName}/{resource.Id}";
        }

        if (BusinessIdentifier(resource) is { } identifier)
        {
            return $"{resource.TypeName}?identifier={identifier.System}|{identifier.Value}";
        }

        return resource.Meta?.Tag.FirstOrDefault() is { System: { } system, Code: { } code }
            ? $"{resource.TypeName}?_tag={system}|{code}"
            : resource.TypeName;
    }

    private AuditEvent.EntityComponent ConsentEntity(string recordId, string description) => new()
    {
        What = new ResourceReference { Type = "Consent", Identifier = new Identifier(_canonicals.RecordSystem, recordId) },
        Type = new Coding(PrivacyCodes.ResourceTypes, "Consent", "Consent"),
        Role = new Coding(PrivacyCodes.ObjectRole, PrivacyCodes.RoleSecurityResource, "Security Resource"),
        Description = description,
    };

    private static ResourceReference Reference(Resource resource)
    {
        var reference = new ResourceReference { Type = resource.TypeName };
        if (!string.IsNullOrEmpty(resource.Id))
        {
            reference.Reference = $"{resource.TypeName}/{resource.Id}";
        }

        if (BusinessIdentifier(resource) is { } identifier)
        {
            reference.Identifier = new Identifier(identifier.System, identifier.Value);
        }
        else if (resource.Meta?.Tag.FirstOrDefault() is { System: { } system, Code: { } code })
        {
            // R4 Provenance has no identifier: the mapping identifies it by tag, so the accounting does too.
            reference.Identifier = new Identifier(system, code);
        }

        return reference;
    }

    /// <summary>The first identifier with a system and a value, whatever element holds it.</summary>
    private static Identifier? BusinessIdentifier(Resource resource)
    {
        foreach (var (name, value) in resource.EnumerateElements())
        {
            if (name != "identifier")
            {
                continue;
            }

            var candidates = value switch
            {
                Identifier one => new[] { one },
                IEnumerable<Base> many => many.OfType<Identifier>(),
                _ => Enumerable.Empty<Identifier>(),
            };
            if (candidates.FirstOrDefault(i => !string.IsNullOrEmpty(i.System) && !string.IsNullOrEmpty(i.Value)) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>Same disclosure, same id: a retried write of the accounting does not count a disclosure twice.</summary>
    private static string RecordId(string patientKey, ConsentDecision decision, DisclosureChannel channel, DateTimeOffset time, IEnumerable<string> keys)
    {
        var text = string.Join('\n', new[]
        {
            patientKey, decision.OrganizationId, decision.Purpose.RecordCode(), decision.ConsentRecordId ?? "", channel.ToString(),
            time.UtcTicks.ToString(CultureInfo.InvariantCulture),
        }.Concat(keys.Order(StringComparer.Ordinal)));
        return "disclosure-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)).AsSpan(0, 16));
    }
}
