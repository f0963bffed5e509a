using FhirAdapter.Api.Accounting;
using FhirAdapter.Api.Search;
using Hl7.Fhir.Model;

namespace FhirAdapter.Api.Metadata;

/// <summary>What <c>GET /fhir/metadata</c> says: read-only types and their search parameters, SMART Backend Services, Bulk Data, AuditEvent.</summary>
internal static class CapabilityStatementBuilder
{
    /// <summary>What the API does beyond the FHIR defaults, said once here and in docs/api.md.</summary>
    public const string Documentation =
        "Read-only (read, vread of the current version, search-type, Patient/$everything, Bulk Data $export; GET, and POST for _search and operations). "
        + "Every answer with patient data is filtered by the patient's 42 CFR Part 2 consent for the client's organization, carries the disclosure notice "
        + "(a Provenance, search mode include) and is recorded in the accounting of disclosures. Searches: unknown or unsupported parameters are ignored "
        + "(dropped from the self link, named in an OperationOutcome entry with search mode outcome) unless the request says Prefer: handling=strict (then 400); "
        + "result parameters _count (at most the configured maximum), _summary (true, text, data, false), _elements, _sort (_id, _lastUpdated, and date "
        + "where the type has it; at most 5000 matches), _include and _revinclude (reference parameters, within the same patient's record); no total. "
        + "Incremental pulls (_lastUpdated=gt/ge, $everything and $export _since) also return resources changed earlier that the client could not see then "
        + "(the patient's consent for the organization arrived later, or the counseling notes were released later). "
        + "meta.versionId is a counter that moves whenever what a client is served changes, content or security labels; meta.lastUpdated is when "
        + "that last happened (a label change dates from when the server first served it). Only the current version is kept: vread of another "
        + "version and _history answer 404. A label change, or a resource passing validation later, without a content change is found by "
        + "$everything and $export _since, not by _lastUpdated searches. "
        + "Tokens, used assertion ids and export jobs are kept in the shared store: any instance answers any client; rate limits count per instance. "
        + "SMART endpoints are given by .well-known/smart-configuration only (no oauth-uris extension here: it requires an authorize endpoint).";

    public static CapabilityStatement Build(string fhirBase, DateTimeOffset now)
    {
        var rest = new CapabilityStatement.RestComponent
        {
            Mode = CapabilityStatement.RestfulCapabilityMode.Server,
            Documentation = Documentation,
            Security = new CapabilityStatement.SecurityComponent
            {
                Cors = false,
                Service = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")],
                // No oauth-uris extension: its definition requires an authorize URL, which a Backend Services server does not
                // have; SMART App Launch 2.x discovery is .well-known/smart-configuration, which names the token endpoint.
                Description = "SMART Backend Services only (no authorize endpoint; discovery: .well-known/smart-configuration): client_credentials with a private_key_jwt assertion (RS384 or ES384). "
                    + "Requested scopes (v2 system/{Type}.cruds subsets, v1 .read/.write/.*) are narrowed to read and search and to the client's registration; "
                    + "the token response's scope says what was granted. AuditEvent (the accounting of disclosures) needs system/AuditEvent.rs by name: "
                    + "system/*.rs does not include it, and a client not registered for it gets a token without it.",
            },
            Operation =
            [
                new CapabilityStatement.OperationComponent
                {
                    Name = "export",
                    Definition = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export",
                    Documentation = ExportDocumentation,
                },
            ],
        };

        foreach (var type in SearchTypes.Readable.Order(StringComparer.Ordinal))
        {
            var resource = new CapabilityStatement.ResourceComponent
            {
                Type = type,
                Interaction =
                [
                    new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.Read },
                    new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.Vread, Documentation = "the current version only" },
                ],
                Versioning = CapabilityStatement.ResourceVersionPolicy.Versioned,
                ReadHistory = false,
                UpdateCreate = false,
            };
            if (SearchTypes.IsSearchable(type))
            {
                resource.Interaction.Add(new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.SearchType });
                foreach (var parameter in SearchTypes.AllParameters(type))
                {
                    resource.SearchParam.Add(new CapabilityStatement.SearchParamComponent { Name = parameter, Type = ParameterType(parameter), Documentation = ParameterDocumentation(type, parameter) });
                }

                resource.SearchInclude = [.. IncludeValues(type)];
                resource.SearchRevInclude = ["Provenance:target"];
            }

            if (type == SearchTypes.Patient)
            {
                resource.Operation.Add(new CapabilityStatement.OperationComponent
                {
                    Name = "everything",
                    Definition = "http://hl7.org/fhir/OperationDefinition/Patient-everything",
                    Documentation = "GET or POST (Parameters body); _type and _since (incremental, as for $export)",
                });
                resource.Operation.Add(new CapabilityStatement.OperationComponent
                {
                    Name = "export",
                    Definition = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export",
                    Documentation = ExportDocumentation,
                });
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
            Format = ["application/fhir+json", "json", "application/fhir+xml", "xml"],
            Instantiates = ["http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data"],
            Rest = [rest],
        };
    }

    private const string ExportDocumentation =
        "GET or POST (Parameters body) with Prefer: respond-async; _type, _since, _outputFormat=application/fhir+ndjson. Unsupported parameters are a 400 "
        + "unless Prefer: handling=lenient (then ignored and listed in the manifest's error array). Output is filtered to _type: the disclosure notice "
        + "(Provenance.ndjson) is written when _type is absent or names Provenance; otherwise the manifest carries the 42 CFR 2.32 notice in an extension. "
        + "_since also brings, whatever their last update, the resources the client could not see at that time (a patient whose consent arrived later "
        + "comes with the whole of its permitted record). X-Progress counts only the patients exported to this client. An export survives a restart "
        + "or the loss of the instance running it: another instance (or the next start) runs it again from the start under the same status URL "
        + "and transactionTime.";

    /// <summary>The <c>_include</c> values of a type: its reference search parameters (R4 definitions), as <see cref="IncludeParameter"/> accepts them.</summary>
    public static IEnumerable<string> IncludeValues(string type) =>
        ModelInfo.SearchParameters.Where(p => p.Resource == type && p.Type == SearchParamType.Reference && !string.IsNullOrEmpty(p.Expression))
            .Select(p => $"{type}:{p.Name}").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);

    private static string? ParameterDocumentation(string type, string parameter) => parameter switch
    {
        "date" => type == SearchTypes.Observation ? "effective[x]; eq, gt, ge, lt, le" : "period; eq, gt, ge, lt, le",
        "_lastUpdated" => "when the stored resource last changed; with gt/ge also what became visible to the client since",
        "patient" => "Patient/{id} or {id}",
        "category" or "code" => "token: code, system|code or |code; comma = OR, repeated = AND",
        _ => null,
    };

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
