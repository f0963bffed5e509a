using System.CommandLine;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Core.Reading;
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
                mapping = AdapterConfiguration.Bind(configuration, MappingOptions.SectionName, new MappingOptionsValidator());
                validation = AdapterConfiguration.Bind(configuration, FhirValidationOptions.SectionName, new Hosting.FhirValidationOptionsValidator());
            }
            catch (Microsoft.Extensions.Options.OptionsValidationException ex)
            {
                return await Hosting.ConfigurationErrors.ReportAsync(error, [.. ex.Failures]).ConfigureAwait(false);
            }

            var started = TimeProvider.System.GetTimestamp(); // the command is its own composition root: the system clock
            // Loading the profiles and the specification takes seconds of its own: let it run beside reading.
            var loading = System.Threading.Tasks.Task.Run(() => new FhirResourceValidator(validation), cancellationToken);
            var report = new ValidationReport(output, json: parse.GetValue(format) == "json");
            var mapper = new RecordMapper(mapping);
            // Records grouped by patient in a temporary store; each patient mapped, validated, compared and reported in
            // turn: memory holds one patient and the report's counts, whatever the size of the clinic.
            var grouped = await GroupedInbox.ReadAsync(inbox, mapper, report.AddRejected, cancellationToken).ConfigureAwait(false);
            await using var _ = grouped.ConfigureAwait(false);
            var validator = await loading.ConfigureAwait(false);
            if (golden is not null)
            {
                report.StartGolden(golden);
            }

            var rejected = new List<RecordError>();
            var forms = RecordMapper.CurrentForms(await grouped.FormsAsync(cancellationToken).ConfigureAwait(false), rejected);
            var questionnaires = mapper.MapQuestionnaires(forms, rejected);
            rejected.ForEach(report.AddRejected);
            var bundles = 0;
            if (questionnaires is not null)
            {
                Check(MappingOutput.QuestionnairesFile, questionnaires);
            }

            var lookup = forms.ToDictionary(f => RecordMapper.FormKey(f.As<FormPayload>().FormId, f.As<FormPayload>().Version), StringComparer.Ordinal);
            await foreach (var (mrn, records) in grouped.PatientsAsync(cancellationToken).ConfigureAwait(false))
            {
                var result = mapper.MapPatient(mrn, records, lookup);
                foreach (var error in result.Rejected)
                {
                    report.AddRejected(error);
                }

                if (result.Bundle is { } patient)
                {
                    Check(MappingOutput.FileName(patient), patient.Bundle);
                }
            }

            report.Finish(inbox, bundles, TimeProvider.System.GetElapsedTime(started));
            return report.HasErrors ? AdapterCommandLine.Failures : AdapterCommandLine.Ok;

            void Check(string name, Bundle bundle)
            {
                // One Bundle at a time: the validator spreads its resources over its pool of validators.
                var outcomes = validator.ValidateAll([.. bundle.Entry.Select(e => e.Resource!)]);
                for (var i = 0; i < bundle.Entry.Count; i++)
                {
                    report.Add(name, bundle.Entry[i], outcomes[i]);
                }

                report.CompareGolden(name, MappingOutput.Json(bundle));
                bundles++;
            }
        });
        return command;
    }
}
