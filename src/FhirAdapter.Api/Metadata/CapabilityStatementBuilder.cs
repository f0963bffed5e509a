using FhirAdapter.Api.Accounting;
using FhirAdapter.Api.Search;
using Hl7.Fhir.Model;

namespace FhirAdapter.Api.Metadata;

/// <summary>What <c>GET /fhir/metadata</c> says: read-only types and their search parameters, SMART Backend Services, Bulk Data, AuditEvent.</summary>
internal static class CapabilityStatementBuilder
{
    public static CapabilityStatement Build(string fhirBase, string tokenUrl, string authorizeUrl, DateTimeOffset now)
    {
        var rest = new CapabilityStatement.RestComponent
        {
            Mode = CapabilityStatement.RestfulCapabilityMode.Server,
            Documentation = "Read-only. Every answer with patient data is filtered by the patient's 42 CFR Part 2 consent for the client's organization and recorded in the accounting of disclosures.",
            Security = new CapabilityStatement.SecurityComponent
            {
                Cors = false,
                Service = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")],
                Description = "SMART Backend Services: client_credentials with a private_key_jwt assertion (RS384 or ES384); scopes system/{Type}.rs, system/*.rs (v1 system/*.read accepted). "
                    + "AuditEvent (the accounting of disclosures) needs system/AuditEvent.rs by name: system/*.rs does not include it.",
                Extension =
                [
                    new Extension
                    {
                        Url = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                        // The SMART definition requires authorize too; ours only says that backend services is all there is.
                        Extension = [new Extension("token", new FhirUri(tokenUrl)), new Extension("authorize", new FhirUri(authorizeUrl))],
                    },
                ],
            },
            Operation =
            [
                new CapabilityStatement.OperationComponent { Name = "export", Definition = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export" },
            ],
        };

        foreach (var type in SearchTypes.Readable.Order(StringComparer.Ordinal))
        {
            var resource = new CapabilityStatement.ResourceComponent
            {
                Type = type,
                Interaction = [new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.Read }],
                ReadHistory = false,
                UpdateCreate = false,
            };
            if (SearchTypes.IsSearchable(type))
            {
                resource.Interaction.Add(new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.SearchType });
                foreach (var parameter in SearchTypes.Parameters(type).Concat(SearchTypes.Common.Where(c => c != "_count")))
                {
                    resource.SearchParam.Add(new CapabilityStatement.SearchParamComponent { Name = parameter, Type = ParameterType(parameter) });
                }
            }

            if (type == SearchTypes.Patient)
            {
                resource.Operation.Add(new CapabilityStatement.OperationComponent { Name = "everything", Definition = "http://hl7.org/fhir/OperationDefinition/Patient-everything" });
                resource.Operation.Add(new CapabilityStatement.OperationComponent { Name = "export", Definition = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export" });
            }

            rest.Resource.Add(resource);
        }

        rest.Resource.Add(AuditEvents());
        rest.Resource.Sort((a, b) => string.CompareOrdinal(a.Type, b.Type));

        return new CapabilityStatement
        {
            Status = PublicationStatus.Active,
            Date = now.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Kind = CapabilityStatementKind.Instance,
            Software = new CapabilityStatement.SoftwareComponent { Name = "FhirAdapter" },
            Implementation = new CapabilityStatement.ImplementationComponent { Description = "Ketamine clinic export as FHIR R4", Url = fhirBase },
            FhirVersion = FHIRVersion.N4_0_1,
            Format = ["application/fhir+json", "json"],
            Instantiates = ["http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data"],
            Rest = [rest],
        };
    }

    /// <summary>The accounting of disclosures: read and search, restricted to what the client's own organization received.</summary>
    private static CapabilityStatement.ResourceComponent AuditEvents()
    {
        var resource = new CapabilityStatement.ResourceComponent
        {
            Type = AuditEventService.ResourceType,
            Documentation = "The accounting of disclosures (42 CFR Part 2): only the disclosures made to the client's own organization. Needs system/AuditEvent.rs.",
            Interaction =
            [
                new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.Read },
                new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.SearchType },
            ],
            ReadHistory = false,
            UpdateCreate = false,
        };
        foreach (var parameter in AuditEventSearch.Supported)
        {
            resource.SearchParam.Add(new CapabilityStatement.SearchParamComponent { Name = parameter, Type = ParameterType(parameter) });
        }

        return resource;
    }

    private static SearchParamType ParameterType(string name) => name switch
    {
        "_lastUpdated" or "date" => SearchParamType.Date,
        "patient" => SearchParamType.Reference,
        "url" => SearchParamType.Uri,
        _ => SearchParamType.Token,
    };
}
