using FhirAdapter.Core.Mapping;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace FhirAdapter.Api.Http;

/// <summary>
/// The parameters of an operation (<c>$everything</c>, <c>$export</c>) invoked by GET or POST. FHIR R4 operations.html:
/// POST carries a Parameters resource in the body (also accepted: a form body, and no body at all); the query string's
/// parameters count too. Primitive values become their string form, references their reference.
/// </summary>
internal static class OperationParameters
{
    public static async Task<IQueryCollection> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var values = request.Query.ToDictionary(q => q.Key, q => q.Value.ToList(), StringComparer.Ordinal);
        if (HttpMethods.IsPost(request.Method))
        {
            if (request.HasFormContentType)
            {
                foreach (var (name, value) in await request.ReadFormAsync(cancellationToken).ConfigureAwait(false))
                {
                    Add(values, name, value.ToArray());
                }
            }
            else if (request.ContentLength is not 0 && request.ContentType is { } type && (type.Contains("json", StringComparison.OrdinalIgnoreCase) || type.Contains("xml", StringComparison.OrdinalIgnoreCase)))
            {
                foreach (var (name, value) in await ReadParametersAsync(request, type, cancellationToken).ConfigureAwait(false))
                {
                    Add(values, name, [value]);
                }
            }
            else if (request.ContentLength is > 0)
            {
                throw new FhirApiException(415, OperationOutcome.IssueType.NotSupported, "POST an operation with a Parameters resource (application/fhir+json or application/fhir+xml) or a form body");
            }
        }

        return new QueryCollection(values.ToDictionary(v => v.Key, v => new StringValues([.. v.Value]), StringComparer.Ordinal));
    }

    private static void Add(Dictionary<string, List<string?>> values, string name, string?[] value)
    {
        if (!values.TryGetValue(name, out var list))
        {
            values[name] = list = [];
        }

        list.AddRange(value);
    }

    private static async Task<List<(string Name, string? Value)>> ReadParametersAsync(HttpRequest request, string contentType, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        var text = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        Resource? resource = null;
        try
        {
            if (contentType.Contains("xml", StringComparison.OrdinalIgnoreCase))
            {
                using var xml = System.Xml.XmlReader.Create(new StringReader(text), new System.Xml.XmlReaderSettings { DtdProcessing = System.Xml.DtdProcessing.Prohibit });
                _ = new Hl7.Fhir.Serialization.BaseFhirXmlDeserializer(ModelInfo.ModelInspector).TryDeserializeResource(xml, out resource, out _);
            }
            else
            {
                resource = FhirJson.Parse<Resource>(text);
            }
        }
        catch (Hl7.Fhir.Serialization.DeserializationFailedException e) when (e.PartialResult is Parameters { Parameter.Count: 0 } empty)
        {
            // {"resourceType":"Parameters"} (what FhirClient sends for an operation without parameters) is strictly
            // invalid (an element needs content), and plainly means: no parameters.
            resource = empty;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException or Hl7.Fhir.Serialization.DeserializationFailedException or System.Xml.XmlException)
        {
            throw FhirApiException.BadRequest("The body is not a FHIR Parameters resource");
        }

        if (resource is not Parameters parameters)
        {
            throw FhirApiException.BadRequest($"The body must be a Parameters resource, not {resource?.TypeName}");
        }

        return [.. parameters.Parameter.Select(p => (p.Name ?? "", p.Value switch
        {
            ResourceReference r => r.Reference,
            PrimitiveType primitive => primitive.ToString(),
            null => null,
            _ => throw FhirApiException.BadRequest($"Parameter '{p.Name}' must have a primitive value"),
        }))];
    }
}
