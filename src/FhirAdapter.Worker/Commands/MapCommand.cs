using System.CommandLine;
using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Mapping;

namespace FhirAdapter.Worker.Commands;

/// <summary><c>map --input DIR --output DIR</c>: maps an inbox to FHIR Bundles on disk and prints a summary.</summary>
internal static class MapCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var input = new Option<string?>("--input", "-i") { Description = "The inbox folder to read (default: Adapter:Inbox, else samples/inbox)." };
        var outputDir = new Option<string>("--output", "-o") { Description = "The folder to write Bundles to.", DefaultValueFactory = _ => "out" };
        var command = new Command("map", "Map an inbox to one FHIR transaction Bundle per patient, plus the Questionnaires.") { input, outputDir };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, cancellationToken) =>
        {
            var configuration = AdapterConfiguration.Build(parse);
            string inbox;
            MappingOptions options;
            try
            {
                inbox = parse.GetValue(input) ?? AdapterConfiguration.Bind<Scheduling.WorkerOptions>(configuration, Scheduling.WorkerOptions.SectionName).Inbox;
                options = AdapterConfiguration.Bind(configuration, MappingOptions.SectionName, new MappingOptionsValidator());
            }
            catch (Microsoft.Extensions.Options.OptionsValidationException ex)
            {
                return await Hosting.ConfigurationErrors.ReportAsync(error, [.. ex.Failures]).ConfigureAwait(false);
            }

            if (!Directory.Exists(inbox))
            {
                await error.WriteLineAsync($"The inbox folder '{inbox}' does not exist (--input).").ConfigureAwait(false);
                return AdapterCommandLine.UsageError;
            }

            var mapper = new RecordMapper(options);
            var rejected = new FirstItems<RecordError>(MapSummary.Listed);
            var held = new FirstItems<HeldRecord>(MapSummary.Listed);
            // The records are grouped by patient in a temporary store, not in memory; each Bundle is written as soon as it
            // is mapped: memory holds one patient at a time, whatever the size of the clinic.
            var grouped = await GroupedInbox.ReadAsync(inbox, mapper, rejected.Add, cancellationToken).ConfigureAwait(false);
            await using var _ = grouped.ConfigureAwait(false);
            var target = parse.GetValue(outputDir)!;
            var writer = new MappingWriter(target);
            var mappingErrors = new List<RecordError>();
            var forms = RecordMapper.CurrentForms(await grouped.FormsAsync(cancellationToken).ConfigureAwait(false), mappingErrors);
            var questionnaires = mapper.MapQuestionnaires(forms, mappingErrors);
            writer.WriteQuestionnaires(questionnaires);
            var lookup = forms.ToDictionary(f => RecordMapper.FormKey(f.As<FormPayload>().FormId, f.As<FormPayload>().Version), StringComparer.Ordinal);
            var rejectedRecords = grouped.Read.Invalid + grouped.Read.Conflicts + Rejected(mappingErrors, rejected);
            await foreach (var (mrn, records) in grouped.PatientsAsync(cancellationToken).ConfigureAwait(false))
            {
                var result = mapper.MapPatient(mrn, records, lookup);
                foreach (var record in result.Held)
                {
                    held.Add(record);
                }

                rejectedRecords += Rejected(result.Rejected, rejected);
                if (result.Bundle is { } bundle)
                {
                    writer.Write(bundle);
                }
            }

            MapSummary.Write(output, inbox, target, grouped.Read, rejectedRecords, rejected, held, writer, questionnaires is not null);
            return rejected.Total == 0 ? AdapterCommandLine.Ok : AdapterCommandLine.Failures;
        });
        return command;
    }

    /// <summary>Adds mapping errors to the list; returns how many records they reject.</summary>
    private static int Rejected(IReadOnlyList<RecordError> errors, FirstItems<RecordError> rejected)
    {
        foreach (var error in errors)
        {
            rejected.Add(error);
        }

        return errors.Select(e => (e.Source, e.RecordId)).Distinct().Count();
    }
}
