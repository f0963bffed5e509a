using System.CommandLine;
using FhirAdapter.Core.Export;
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
            var inbox = parse.GetValue(input) ?? configuration["Adapter:Inbox"] ?? "samples/inbox";
            if (!Directory.Exists(inbox))
            {
                await error.WriteLineAsync($"The inbox folder '{inbox}' does not exist (--input).").ConfigureAwait(false);
                return AdapterCommandLine.UsageError;
            }

            MappingOptions options;
            try
            {
                options = AdapterConfiguration.Bind<MappingOptions>(configuration, MappingOptions.SectionName);
            }
            catch (OptionsValidationFailure ex)
            {
                await error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return AdapterCommandLine.UsageError;
            }

            var snapshot = await InboxSnapshot.ReadAsync(inbox, cancellationToken).ConfigureAwait(false);
            var target = parse.GetValue(outputDir)!;
            var writer = new MappingWriter(target);
            // Each patient's Bundle is written as soon as it is mapped: memory holds the records, not the output.
            var result = new ExportMapper(options).Map(snapshot.Records.Records, writer.Write);
            writer.WriteQuestionnaires(result.Questionnaires);
            MapSummary.Write(output, inbox, target, snapshot, result, writer);
            return snapshot.Rejected.Count + result.Rejected.Count == 0 ? AdapterCommandLine.Ok : AdapterCommandLine.Failures;
        });
        return command;
    }
}
