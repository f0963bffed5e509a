using Firely.Fhir.Validation;
using Hl7.Fhir.Model;
using Newtonsoft.Json.Linq;

#pragma warning disable ExperimentalApi // IValidatable, ValidationState: Firely's schema member interface.

namespace FhirAdapter.Validation;

/// <summary>
/// Stands in a compiled schema where Firely put a <see cref="BindingValidator"/>: answers a value that passed this
/// binding before from <see cref="BindingSuccesses"/>, and asks the BindingValidator itself about anything else.
/// </summary>
internal sealed class BindingMemo(BindingValidator binding, BindingSuccesses successes) : IValidatable
{
    /// <summary>The binding this memo stands in front of.</summary>
    public BindingValidator Binding => binding;

    public ResultReport Validate(PocoNode input, ValidationSettings vc, ValidationState state)
    {
        var key = input is null ? null : BindingSuccesses.KeyOf(binding, input);
        if (key is not null && successes.Contains(key))
            return ResultReport.SUCCESS;

        var report = ((IValidatable)binding).Validate(input!, vc, state);
        // Only a bare success: a report with evidence (a warning, a trace) is not one to replay.
        if (key is not null && report.IsSuccessful && report.Evidence.Count == 0)
            successes.Add(key);
        return report;
    }

    public JToken ToJson() => binding.ToJson();
}
