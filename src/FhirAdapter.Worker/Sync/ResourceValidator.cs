using System.Diagnostics.Metrics;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Store.Patients;
using FhirAdapter.Validation;
using FhirAdapter.Worker.Diagnostics;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Logging;

namespace FhirAdapter.Worker.Sync;

/// <summary>
/// The validator as the pipeline uses it: a resource is valid when its outcome has no error or fatal issue. A
/// disagreement of the fast path's sampled double check is logged as an error (type, id and issue count only) and
/// counted in the metrics.
/// </summary>
internal sealed class ResourceValidator
{
    private readonly FhirResourceValidator validator;

    public ResourceValidator(FhirResourceValidator validator, AdapterMetrics metrics, ILogger<ResourceValidator> logger)
    {
        this.validator = validator;
        // Where the plan came from tells an operator why a start was slow (compiled: no saved plan for this fingerprint).
        Log.ValidatorLoaded(logger, (long)validator.LoadTime.TotalMilliseconds, validator.Package.Name, validator.Package.Version, validator.Fingerprint[..12],
            validator.PlanOrigin ?? "none (fast path off)");
        validator.FastPathDisagreed += d =>
        {
            Log.FastPathDisagreement(logger, d.ResourceType, d.ResourceId, d.Issues);
            metrics.FastPathDisagreement(d.ResourceType);
        };
        metrics.ObserveFastPath(() =>
        {
            var counts = validator.FastPathCounts;
            return
            [
                new Measurement<long>(counts.Accepted, new KeyValuePair<string, object?>("outcome", "accepted")),
                new Measurement<long>(counts.SentToFirely, new KeyValuePair<string, object?>("outcome", "firely")),
                new Measurement<long>(counts.DoubleChecked, new KeyValuePair<string, object?>("outcome", "double_checked")),
            ];
        });
    }

    /// <summary>Names the validator that gave an outcome (see <see cref="FhirResourceValidator.Fingerprint"/>).</summary>
    public string Fingerprint => validator.Fingerprint;

    /// <summary>
    /// The outcome of each resource: <paramref name="standing"/>[i] where it is given (an earlier outcome that still
    /// holds), the validator's for the others, validated on <paramref name="threads"/> threads of their own. Never on
    /// the caller's thread-pool thread: Firely blocks on thread-pool work of its own (terminology and resolver calls,
    /// on first sight of a code or a type), and pool threads blocked on the pool would starve it.
    /// </summary>
    public Task<IReadOnlyList<ResourceValidation>> ValidateAllAsync(IReadOnlyList<Resource> resources, IReadOnlyList<ResourceValidation?> standing, int threads) =>
        System.Threading.Tasks.Task.Factory.StartNew(
            () => ValidateAll(resources, standing, threads), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private IReadOnlyList<ResourceValidation> ValidateAll(IReadOnlyList<Resource> resources, IReadOnlyList<ResourceValidation?> standing, int threads)
    {
        var todo = Enumerable.Range(0, resources.Count).Where(i => standing[i] is null).ToList();
        var outcomes = validator.ValidateAll([.. todo.Select(i => resources[i])], threads);
        var validations = standing.ToArray();
        for (var j = 0; j < todo.Count; j++)
            validations[todo[j]] = ToValidation(outcomes[j]);
        return validations!;
    }

    private ResourceValidation ToValidation(OperationOutcome outcome) =>
        (outcome.HasErrors() ? ResourceValidation.Invalid(FhirJson.Serialize(outcome, pretty: false)) : ResourceValidation.Valid)
        with { ValidatedWith = validator.Fingerprint };
}
