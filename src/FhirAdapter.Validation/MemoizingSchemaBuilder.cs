using Firely.Fhir.Validation;
using Firely.Fhir.Validation.Compilation;
using Hl7.Fhir.Specification.Navigation;
using Hl7.Fhir.Specification.Source;

#pragma warning disable ExperimentalApi // ISchemaBuilder: Firely's documented extension point of the schema compiler.

namespace FhirAdapter.Validation;

/// <summary>
/// Firely's standard schema builders, with every <see cref="BindingValidator"/> they build put behind a
/// <see cref="BindingMemo"/>; everything else they build passes through untouched. It derives from
/// <see cref="StandardBuilders"/> because the compiler adds a second set of standard builders when none of the
/// builders it is given is one, and re-implements <see cref="ISchemaBuilder"/>, which is how the compiler calls it.
/// </summary>
internal sealed class MemoizingSchemaBuilder(IAsyncResourceResolver source, BindingSuccesses successes) : StandardBuilders(source), ISchemaBuilder
{
    IEnumerable<IAssertion> ISchemaBuilder.Build(ElementDefinitionNavigator nav, ElementConversionMode? conversionMode) =>
        Build(nav, conversionMode).Select(a => a is BindingValidator binding ? new BindingMemo(binding, successes) : a);
}
