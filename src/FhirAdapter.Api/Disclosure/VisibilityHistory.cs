using FhirAdapter.Api.Auth;
using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Privacy;
using FhirAdapter.Store;
using FhirAdapter.Store.Records;
using Hl7.Fhir.Model;

namespace FhirAdapter.Api.Disclosure;

/// <summary>
/// What an organization could see of a patient at an earlier instant, for incremental pulls (<c>_since</c> exports and
/// <c>_lastUpdated</c> searches). A resource unchanged since that instant was still invisible to the client then if the
/// patient's consent for the organization arrived later (or the counseling notes were released later): such a resource
/// is new to the client and belongs in the incremental answer, as Bulk Data 2.0 lets a server return "additional
/// resources modified prior to the supplied time if the resources belong to the patient compartment of a patient added
/// to the Group after the supplied time (this behavior SHOULD be clearly documented by the server)".
/// </summary>
internal sealed class VisibilityHistory(IAdapterStore store, TimeProvider time)
{
    /// <summary>
    /// The consent decision as it was at <paramref name="at"/>, on the records known then: each record at the version
    /// current then (versions first seen later are set aside), decided for the client's organization and purpose at that instant.
    /// </summary>
    public async Task<ConsentDecision> DecisionAtAsync(string patientKey, RegisteredClient client, DateTimeOffset at, CancellationToken cancellationToken)
    {
        // An instant still to come is now: nothing can have become visible after it.
        at = at < time.GetUtcNow() ? at : time.GetUtcNow();
        var known = new List<ClinicRecord>();
        foreach (var record in await store.GetCurrentRecordsAsync(patientKey, cancellationToken))
        {
            if (record.FirstSeenAt <= at)
            {
                known.Add(record.ToClinicRecord());
                continue;
            }

            if (record.Kind != RecordKind.Consent)
            {
                // Only consent records take part in the decision; other records known later change nothing here.
                continue;
            }

            var versions = await store.GetRecordVersionsAsync(record.Kind, record.RecordId, cancellationToken);
            if (versions.Where(v => v.FirstSeenAt <= at && v.Outcome is VersionOutcome.New or VersionOutcome.Supersedes)
                    .OrderBy(v => v.UpdatedAt).LastOrDefault() is { } then)
            {
                known.Add(then.ToClinicRecord());
            }
        }

        return ConsentDecider.Decide(known, client.OrganizationId, client.Purpose, at);
    }

    /// <summary>Whether the organization could see <paramref name="resource"/> under the decision it had then.</summary>
    public static bool WasVisible(Resource resource, ConsentDecision then, DisclosureFilter filter) =>
        then.IsPermitted && !filter.IsWithheld(resource, then);
}
