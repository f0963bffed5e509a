using System.CommandLine;
using System.Globalization;
using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Mapping;
using FhirAdapter.Store;
using FhirAdapter.Operations.Patients;
using Microsoft.Extensions.DependencyInjection;

namespace FhirAdapter.Worker.Commands;

/// <summary>
/// <c>disclosures --patient MRN [--since DATE] [--format text|fhir]</c>: the accounting of disclosures a patient
/// may ask for under 42 CFR Part 2: when, to whom, why, under which consent, by push or pull, which resources.
/// </summary>
internal static class DisclosuresCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var patient = new Option<string>("--patient") { Description = "The patient's MRN.", Required = true };
        var since = new Option<string?>("--since") { Description = "Only disclosures from this date (YYYY-MM-DD, clinic time) or date-time on." };
        var format = new Option<string>("--format") { Description = "text, or fhir for the AuditEvents as a collection Bundle.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "fhir");
        var command = new Command("disclosures", "List every disclosure of a patient's records (the accounting of disclosures).") { patient, since, format };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            DateTimeOffset? from = null;
            if (parse.GetValue(since) is { } text)
            {
                if (RecordDates.TryParseDate(text, out var date))
                {
                    var local = date.ToDateTime(TimeOnly.MinValue);
                    from = new DateTimeOffset(local, RecordDates.ClinicTimeZone.GetUtcOffset(local));
                }
                else if (RecordDates.TryParseDateTimeWithOffset(text, out var instant))
                {
                    from = instant;
                }
                else
                {
                    await error.WriteLineAsync("--since must be a date YYYY-MM-DD or a date-time with an offset.").ConfigureAwait(false);
                    return AdapterCommandLine.UsageError;
                }
            }

            return await CommandHost.RunAsync(parse, error, async services =>
            {
                var key = services.GetRequiredService<RecordMapper>().PatientKey(parse.GetValue(patient)!);
                var disclosures = await services.GetRequiredService<IDisclosureStore>().GetDisclosuresAsync(key, from, ct).ConfigureAwait(false);
                if (parse.GetValue(format) == "fhir")
                {
                    await output.WriteLineAsync(FhirJson.Serialize(AccountingExport.FhirBundle(disclosures))).ConfigureAwait(false);
                    return AdapterCommandLine.Ok;
                }

                output.WriteLine($"{disclosures.Count} disclosures of patient {key}{(from is { } f ? $" since {f.ToString("u", CultureInfo.InvariantCulture)}" : "")}.");
                foreach (var d in disclosures)
                {
                    output.WriteLine($"  {d.DisclosedAt.ToString("u", CultureInfo.InvariantCulture)}  to {d.OrganizationId} by {d.Channel.ToString().ToLowerInvariant()} for {d.Purpose}"
                        + $" under consent {d.ConsentRecordId ?? "(none recorded)"}: {d.ResourceIds.Count} resources");
                    foreach (var (type, count) in AccountingExport.ByType(d))
                    {
                        output.WriteLine($"      {type,-26} {count,5}");
                    }
                }

                return AdapterCommandLine.Ok;
            }, ct).ConfigureAwait(false);
        });
        return command;
    }
}
