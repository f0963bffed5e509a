using FhirAdapter.Testing.Validation;
using FhirAdapter.Validation.FastPath;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace FhirAdapter.Validation.Tests;

/// <summary>
/// The fast path's saved plan (a cold start loads it instead of compiling Firely's schemas): a loaded plan answers
/// exactly as the compiled one, a plan that is missing, of another fingerprint or damaged is compiled again, and a
/// resource the plan does not accept still gets Firely's outcome from the Firely built lazily behind it.
/// </summary>
[Collection(FastPathCollection.Name)]
public sealed class PlanCacheTests(FastPathValidatorFixture fixture) : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("kwc-plan-cache-");

    private string CacheFile => Path.Combine(_folder.FullName, PlanCache.FileName);

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public void A_loaded_plan_accepts_and_refuses_exactly_what_the_compiled_plan_does()
    {
        var compiled = fixture.Validator;
        var loaded = Loaded();
        var differential = new FastPathDifferential(compiled, [.. fixture.Golden, .. fixture.Generated]);
        var cases = fixture.Golden.Concat(fixture.Generated)
            .Concat(differential.FixedMutantResources(FastPathDifferentialTests.MutantsPerKind * differential.Kinds.Count, seed: 16).Select(m => m.Mutant))
            .ToList();

        var accepted = 0;
        var differences = new List<string>();
        foreach (var resource in cases)
        {
            var byCompiled = compiled.Plan!.Accept(resource, out var compiledRefused);
            var byLoaded = loaded.Plan!.Accept(resource, out var loadedRefused);
            accepted += byCompiled ? 1 : 0;
            if (byCompiled != byLoaded || compiledRefused?.Describe != loadedRefused?.Describe)
                differences.Add($"{resource.TypeName}/{resource.Id}: compiled {byCompiled} ({compiledRefused}), loaded {byLoaded} ({loadedRefused})");
        }

        Assert.True(cases.Count > 3000 + (FastPathDifferentialTests.MutantsPerKind * 10), $"{cases.Count} cases");
        Assert.True(accepted > cases.Count / 2 && accepted < cases.Count, $"{accepted} of {cases.Count} accepted");
        Assert.Empty(differences);
        Assert.Equal(compiled.NotModelled, loaded.NotModelled);
        Assert.True(loaded.Plan!.ChecksPackageCodes);
    }

    [Fact]
    public void A_loaded_plan_saves_back_to_the_same_bytes()
    {
        var loaded = Loaded();
        var again = Path.Combine(_folder.FullName, "again.bin");

        PlanCache.Write(again, loaded.Fingerprint, loaded.Plan!, loaded.NotModelled);

        var bytes = File.ReadAllBytes(CacheFile);
        Assert.True(bytes.Length > 100_000, $"{bytes.Length} bytes");
        Assert.Equal(bytes, File.ReadAllBytes(again));
    }

    [Theory]
    [InlineData("missing", "no saved plan")]
    [InlineData("stale", "another validation fingerprint")]
    [InlineData("damaged", "damaged")]
    [InlineData("truncated", "damaged")]
    [InlineData("empty", "could not be loaded")]
    public void A_saved_plan_that_is_missing_stale_or_damaged_is_not_used(string state, string reason)
    {
        var compiled = fixture.Validator;
        PlanCache.Write(CacheFile, state == "stale" ? "0123456789abcdef0123456789abcdef" : compiled.Fingerprint, compiled.Plan!, compiled.NotModelled);
        var bytes = File.ReadAllBytes(CacheFile);
        switch (state)
        {
            case "missing":
                File.Delete(CacheFile);
                break;
            case "damaged":
                bytes[^100] ^= 0x20;
                File.WriteAllBytes(CacheFile, bytes);
                break;
            case "truncated":
                File.WriteAllBytes(CacheFile, bytes[..(bytes.Length / 2)]);
                break;
            case "empty":
                File.WriteAllBytes(CacheFile, []);
                break;
        }

        var plan = PlanCache.TryRead(CacheFile, compiled.Fingerprint, out var notModelled, out var why);

        Assert.Null(plan);
        Assert.Empty(notModelled);
        Assert.Contains(reason, why, StringComparison.Ordinal);
    }

    [Fact]
    public void A_validator_finding_a_damaged_plan_compiles_it_and_saves_it_again()
    {
        var compiled = fixture.Validator;
        PlanCache.Write(CacheFile, compiled.Fingerprint, compiled.Plan!, compiled.NotModelled);
        var bytes = File.ReadAllBytes(CacheFile);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(CacheFile, bytes);

        var validator = new FhirResourceValidator(Options());

        Assert.Equal($"compiled (the saved plan is damaged), saved to {CacheFile}", validator.PlanOrigin);
        Assert.NotNull(PlanCache.TryRead(CacheFile, validator.Fingerprint, out _, out var why));
        Assert.Equal("", why);
        var golden = fixture.Golden;
        Assert.NotEmpty(golden);
        Assert.Equal(golden.Select(r => compiled.Plan!.Accept(r, out _)), golden.Select(r => validator.Plan!.Accept(r, out _)));
    }

    [Fact]
    public void A_resource_the_loaded_plan_does_not_accept_gets_Firelys_outcome()
    {
        var compiled = fixture.Validator;
        var loaded = Loaded();
        var differential = new FastPathDifferential(compiled, [.. fixture.Golden]);
        // The golden Questionnaires (Firely's: que-* are not modelled) and mutants the plan refuses, valid or not.
        var refused = fixture.Golden.Where(r => r is Questionnaire)
            .Concat(differential.FixedMutantResources(400, seed: 16).Select(m => m.Mutant).Where(r => !compiled.Plan!.Accept(r, out _)).Take(40))
            .ToList();

        var outcomes = refused.Select(r => loaded.Validate(r).ToJson()).ToList();

        Assert.True(refused.Count > 40, $"{refused.Count} refused resources");
        Assert.Equal(refused.Select(r => compiled.Validate(r).ToJson()), outcomes);
        Assert.Contains(outcomes, o => o.Contains("\"error\"", StringComparison.Ordinal));
        Assert.Equal(refused.Count, loaded.FastPathCounts.SentToFirely);
        Assert.True(loaded.FirelyLoaded);
    }

    [Fact]
    public void After_a_start_from_the_saved_plan_a_double_check_that_falls_due_is_taken_once_Firely_is_warm()
    {
        var loaded = Loaded(doubleCheck: 0.5);
        var accepted = fixture.Golden.Where(r => fixture.Validator.Plan!.Accept(r, out _)).Take(4).ToList();
        Assert.Equal(4, accepted.Count);

        // The 2nd falls due while Firely has compiled nothing: owed, and Firely compiles the profiles on another thread.
        Assert.Empty(loaded.Validate(accepted[0]).Issue);
        Assert.Empty(loaded.Validate(accepted[1]).Issue);
        Assert.Equal(0, loaded.FastPathCounts.DoubleChecked);
        Assert.Equal(1, loaded.DoubleChecksOwed);

        Assert.True(SpinWait.SpinUntil(() => loaded.FirelyWarm, TimeSpan.FromMinutes(3)), "Firely did not finish compiling the profiles");
        Assert.Empty(loaded.Validate(accepted[2]).Issue); // the one owed
        Assert.Empty(loaded.Validate(accepted[3]).Issue); // due
        Assert.Equal(new FastPathCounts(4, 0, 2, 0), loaded.FastPathCounts);
        Assert.Equal(0, loaded.DoubleChecksOwed);
    }

    // The fixture's compiled plan saved under its fingerprint, and a validator of the same options that loads it.
    private FhirResourceValidator Loaded(double doubleCheck = 0)
    {
        var compiled = fixture.Validator;
        PlanCache.Write(CacheFile, compiled.Fingerprint, compiled.Plan!, compiled.NotModelled);
        var options = Options();
        options.FastPathDoubleCheck = doubleCheck;
        var loaded = new FhirResourceValidator(options);
        Assert.Equal(compiled.Fingerprint, loaded.Fingerprint);
        Assert.Equal($"loaded from {CacheFile}", loaded.PlanOrigin);
        return loaded;
    }

    private FhirValidationOptions Options() => new() { FastPath = true, FastPathDoubleCheck = 0, PlanCachePath = _folder.FullName };
}
