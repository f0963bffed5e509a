using FhirAdapter.Worker.Scheduling;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Worker.Hosting;

/// <summary>Checks <see cref="WorkerOptions"/>' attributes and its own rules (source-generated).</summary>
[OptionsValidator]
internal sealed partial class WorkerOptionsValidator : IValidateOptions<WorkerOptions>;
