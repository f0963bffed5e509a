using System.Collections.Concurrent;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Terminology;

namespace FhirAdapter.Validation;

/// <summary>
/// A terminology service that never leaves the process: it answers $validate-code against the ValueSets of the clinic
/// package and the core specification by expanding each ValueSet once and caching the result. ValueSets it cannot
/// expand (whole of LOINC, SNOMED CT, ICD-10-CM, RxNorm, MIME types, ...) are not checked: they pass, with a
/// message only when asked for, so that they show as warnings rather than errors.
/// </summary>
internal sealed class PackageTerminologyService(
    SynchronizedResolver resolver, ProfilePackage package, bool reportUncheckedCodes) : ICodeValidationTerminologyService
{
    // Large enough for every enumerated core ValueSet, small enough to stop early on a whole external system.
    private const int MaxExpansionSize = 20_000;

    private readonly ConcurrentDictionary<string, ValueSetContents> _contents = new(StringComparer.Ordinal);

    public System.Threading.Tasks.Task<Parameters> ValueSetValidateCode(Parameters parameters, string? id = null, bool useGet = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return System.Threading.Tasks.Task.FromResult(Validate(parameters));
    }

    public System.Threading.Tasks.Task<Parameters> Subsumes(Parameters parameters, string? id = null, bool useGet = false) =>
        System.Threading.Tasks.Task.FromException<Parameters>(new NotSupportedException("$subsumes is not supported by the local terminology service."));

    /// <summary>The contents of a ValueSet as this service sees them (expanding and caching on first use).</summary>
    public ValueSetContents GetContents(string valueSetUrl)
    {
        var url = StripVersion(valueSetUrl);
        return _contents.TryGetValue(url, out var contents) ? contents : _contents.GetOrAdd(url, Expand(url));
    }

    private Parameters Validate(Parameters parameters)
    {
        string? url = null, code = null, system = null;
        Coding? coding = null;
        CodeableConcept? concept = null;
        foreach (var p in parameters.Parameter)
        {
            switch (p.Name)
            {
                case "url": url = (p.Value as PrimitiveType)?.ToString(); break;
                case "code": code = (p.Value as PrimitiveType)?.ToString(); break;
                case "system": system = (p.Value as PrimitiveType)?.ToString(); break;
                case "coding": coding = p.Value as Coding; break;
                case "codeableConcept": concept = p.Value as CodeableConcept; break;
            }
        }

        if (string.IsNullOrEmpty(url))
            return Result(false, "No ValueSet to validate the code against.");

        var contents = GetContents(url);
        if (!contents.Known)
        {
            return package.Owns(url)
                ? Result(false, $"The ValueSet '{url}' is not in the profiles package.")
                : Unchecked($"the ValueSet '{url}' is not available here");
        }

        if (!contents.IsCheckable)
            return Unchecked(contents.UncheckedReason!);

        if (code is not null)
        {
            return contents.Contains(system, code)
                ? Result(true)
                : Result(false, $"The code {Describe(system, code)} is not in the ValueSet '{url}'");
        }

        if (coding is not null)
        {
            return coding.Code is not null && contents.Contains(coding.System, coding.Code)
                ? Result(true)
                : Result(false, $"The coding {Describe(coding.System, coding.Code)} is not in the ValueSet '{url}'");
        }

        if (concept is not null)
        {
            var codings = concept.Coding.Where(c => c.Code is not null).ToList();
            return codings.Any(c => contents.Contains(c.System, c.Code!))
                ? Result(true)
                : Result(false, $"None of the codings ({string.Join(", ", codings.Select(c => Describe(c.System, c.Code)))}) is in the ValueSet '{url}'");
        }

        return Result(false, "No code, coding or concept to validate.");
    }

    private Parameters Unchecked(string reason) =>
        reportUncheckedCodes ? Result(true, $"Code not checked: {reason}.") : Result(true);

    private ValueSetContents Expand(string url) => resolver.Gate.Run(() =>
        {
            if (resolver.TryResolveByCanonicalUri(url).Value is not ValueSet valueSet)
                return ValueSetContents.Unknown();

            try
            {
                var copy = (ValueSet)valueSet.DeepCopy();
                if (!copy.HasExpansion)
                {
                    var expander = new ValueSetExpander(new ValueSetExpanderSettings
                    {
                        ValueSetSource = resolver,
                        MaxExpansionSize = MaxExpansionSize,
                    });
                    expander.ExpandAsync(copy).GetAwaiter().GetResult();
                }

                return ValueSetContents.Expanded(Flatten(copy.Expansion?.Contains ?? []));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Typically a code system we do not have (LOINC, SNOMED CT, ...) or one too large to enumerate.
                return ValueSetContents.Unchecked($"the ValueSet '{url}' cannot be expanded locally ({e.GetType().Name})");
            }
        });

    private static IEnumerable<(string, string)> Flatten(IEnumerable<ValueSet.ContainsComponent> contains) =>
        contains.SelectMany(c => Flatten(c.Contains ?? []).Prepend((c.System ?? string.Empty, c.Code ?? string.Empty)))
            .Where(c => c.Item2.Length > 0);

    private static string StripVersion(string url)
    {
        var bar = url.IndexOf('|', StringComparison.Ordinal);
        return bar < 0 ? url : url[..bar];
    }

    private static string Describe(string? system, string? code) =>
        system is null ? $"'{code}'" : $"'{code}' (system '{system}')";

    private static Parameters Result(bool result, string? message = null)
    {
        var parameters = new Parameters();
        parameters.Add("result", new FhirBoolean(result));
        if (message is not null)
            parameters.Add("message", new FhirString(message));
        return parameters;
    }
}
