namespace FhirAdapter.Validation;

/// <summary>Settings of <see cref="FhirResourceValidator"/> (bind from configuration section <c>Adapter:Validation</c>).</summary>
public sealed class FhirValidationOptions
{
    /// <summary>The configuration section these options are usually bound from.</summary>
    public const string SectionName = "Adapter:Validation";

    /// <summary>
    /// The clinic's FHIR package folder. Default: the first <c>profiles/</c> folder holding a <c>package.json</c>
    /// found walking up from the current directory, then from <see cref="AppContext.BaseDirectory"/>.
    /// </summary>
    public string? ProfilesPath { get; set; }

    /// <summary>The core specification (Hl7.Fhir.Specification.Data.R4's specification.zip). Default: next to the application.</summary>
    public string? SpecificationPath { get; set; }

    /// <summary>
    /// Where the split core specification is cached (about 35 MB, built on first use). Default: the temp folder.
    /// Point it at a writable, persistent folder in containers so that restarts skip the build.
    /// </summary>
    public string? SpecificationCachePath { get; set; }

    /// <summary>
    /// Report a warning for every code bound to a ValueSet that cannot be expanded here (LOINC, SNOMED CT, ...).
    /// Off by default: those codes are expected, not checked, and the warnings would drown the real findings.
    /// </summary>
    public bool ReportUncheckedCodes { get; set; }

    /// <summary>
    /// Replace the instance values Firely quotes in its messages (e.g. "Value '07/19/1984' does not match regex")
    /// with a placeholder, so that outcomes can be reported and logged without patient data. On by default.
    /// </summary>
    public bool RedactValues { get; set; } = true;

    /// <summary>Compile the package's profiles while constructing, so the first validation does not pay for it.</summary>
    public bool WarmUp { get; set; } = true;

    /// <summary>
    /// Accept resources through the fast path (<c>Adapter:Validation:FastPath</c>): a plan compiled from Firely's own
    /// schemas that can only say "valid, no message"; anything else is validated by Firely (docs/validation.md, "The
    /// fast path", for its proof). On by default; off validates every resource with Firely alone.
    /// </summary>
    public bool FastPath { get; set; } = true;

    /// <summary>
    /// Save the fast path's compiled plan and load it on the next start instead of compiling Firely's schemas
    /// (<c>Adapter:Validation:PlanCache</c>, on by default). The saved plan is used only under exactly the same
    /// validation fingerprint (package, specification, options and this code); otherwise it is compiled and saved again.
    /// </summary>
    public bool PlanCache { get; set; } = true;

    /// <summary>
    /// The folder of the saved plan (<c>Adapter:Validation:PlanCachePath</c>; one file, a few MB). Default: a
    /// <c>kwc-fhir-fast-plan</c> folder in the temp folder. Point it at a writable, persistent folder (next to the store)
    /// in containers so that restarts skip the compilation.
    /// </summary>
    public string? PlanCachePath { get; set; }

    /// <summary>
    /// The share of fast-accepted resources that Firely validates as well (<c>Adapter:Validation:FastPathDoubleCheck</c>,
    /// 0 to 1; default 0.001, one in a thousand: Firely costs some fifteen fast-path validations, so this adds about
    /// 1.5%). A disagreement is reported (<see cref="FhirResourceValidator.FastPathDisagreed"/>)
    /// and the resource gets Firely's outcome.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(0.0, 1.0)]
    public double FastPathDoubleCheck { get; set; } = 0.001;
}
