using System.CommandLine;
using System.Diagnostics;
using FhirAdapter.Core.Export;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Validation;
using Hl7.Fhir.Model;

namespace FhirAdapter.Worker.Commands;

/// <summary>
/// <c>validate [--input DIR] [--expected DIR] [--format text|json]</c>: maps an inbox, validates every resource
/// against the profiles in profiles/ and the base FHIR R4 specification, compares the output with the golden
/// files, and reports per record: resource, FHIRPath location, severity and message. Exit 1 on any error,
/// rejected record or golden mismatch.
/// </summary>
internal static class ValidateCommand
{
    private const string DefaultInbox = "samples/inbox";
    private const string DefaultExpected = "samples/expected";

    public static Command Create(TextWriter output, TextWriter error)
    {
        var input = new Option<string>("--input", "-i") { Description = "The inbox to map and validate.", DefaultValueFactory = _ => DefaultInbox };
        var expected = new Option<string?>("--expected") { Description = "Golden output to compare with (default: samples/expected, for the default inbox only)." };
        var format = new Option<string>("--format") { Description = "text, or json for FHIR OperationOutcomes (a collection Bundle).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("validate", "Map an inbox, validate every resource against profiles/, and compare with the golden files.") { input, expected, format };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            var inbox = parse.GetValue(input)!;
            if (!Directory.Exists(inbox))
            {
                await error.WriteLineAsync($"The inbox folder '{inbox}' does not exist (--input).").ConfigureAwait(false);
                return AdapterCommandLine.UsageError;
            }

            var golden = parse.GetValue(expected) ?? (inbox == DefaultInbox && Directory.Exists(DefaultExpected) ? DefaultExpected : null);
            var configuration = AdapterConfiguration.Build(parse);
            MappingOptions mapping;
            FhirValidationOptions validation;
            try
            {
                mapping = AdapterConfiguration.Bind<MappingOptions>(configuration, MappingOptions.SectionName);
                validation = AdapterConfiguration.Bind<FhirValidationOptions>(configuration, FhirValidationOptions.SectionName);
            }
            catch (OptionsValidationFailure ex)
            {
                await error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return AdapterCommandLine.UsageError;
            }

            var clock = Stopwatch.StartNew();
            // Loading the profiles and the specification takes seconds of its own: let it run beside reading and mapping.
            var loading = System.Threading.Tasks.Task.Run(() => new FhirResourceValidator(validation), cancellationToken);
            var snapshot = await InboxSnapshot.ReadAsync(inbox, cancellationToken).ConfigureAwait(false);
            var result = new ExportMapper(mapping).Map(snapshot.Records.Records);
            var validator = await loading.ConfigureAwait(false);
            var report = new ValidationReport();
            report.AddRejected(snapshot.Rejected.Concat(result.Rejected));
            var files = MappingOutput.Files(result).ToList();
            // One batch: the validator spreads it over its pool of validators.
            var entries = Bundles(result).SelectMany(b => b.Bundle.Entry.Select(e => (b.Name, Entry: e))).ToList();
            var outcomes = validator.ValidateAll([.. entries.Select(e => e.Entry.Resource!)]);
            for (var i = 0; i < entries.Count; i++)
            {
                report.Add(entries[i].Name, entries[i].Entry, outcomes[i]);
            }

            if (golden is not null)
            {
                report.CompareGolden(golden, files);
            }

            if (parse.GetValue(format) == "json")
            {
                await output.WriteLineAsync(FhirJson.Serialize(report.ToBundle())).ConfigureAwait(false);
            }
            else
            {
                report.WriteText(output, inbox, golden, files.Count, clock.Elapsed);
            }

            return report.HasErrors ? AdapterCommandLine.Failures : AdapterCommandLine.Ok;
        });
        return command;
    }

    private static IEnumerable<(string Name, Bundle Bundle)> Bundles(MappingResult result)
    {
        if (result.Questionnaires is { } questionnaires)
        {
            yield return (MappingOutput.QuestionnairesFile, questionnaires);
        }

        foreach (var patient in result.Patients)
        {
            yield return (MappingOutput.FileName(patient), patient.Bundle);
        }
    }
}
