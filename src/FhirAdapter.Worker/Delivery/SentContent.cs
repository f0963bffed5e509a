using System.Security.Cryptography;
using System.Text;
using FhirAdapter.Core.Mapping;
using Hl7.Fhir.Model;

namespace FhirAdapter.Worker.Delivery;

/// <summary>
/// The hash of a resource as it is sent, by which delivery tells what a destination already holds. The id and the
/// meta a server manages (versionId, lastUpdated, source) are left out, since they differ per destination and per
/// write; everything else counts, references as the mapper wrote them (stable urn:uuids) and the security labels
/// too: a patient whose data now shows a substance use disorder must have their earlier resources relabelled at
/// the EHR, so a label change is a change.
/// </summary>
internal static class SentContent
{
    public static string Hash(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var meta = resource.Meta;
        if (resource.Id is not null || meta is { VersionId: not null } or { LastUpdated: not null } or { Source: not null })
        {
            resource = (Resource)resource.DeepCopy();
            resource.Id = null;
            if (resource.Meta is { } m)
            {
                m.VersionId = null;
                m.LastUpdated = null;
                m.Source = null;
            }
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(FhirJson.Serialize(resource, pretty: false))));
    }
}
