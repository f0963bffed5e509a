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

        // The fields left out are set aside for the serialization and put back (a copy of the whole resource cost more
        // than everything else done to hash it); the resource is the caller's own, not shared between threads.
        var id = resource.Id;
        var meta = resource.Meta;
        var (versionId, lastUpdated, source) = (meta?.VersionId, meta?.LastUpdated, meta?.Source);
        resource.Id = null;
        if (meta is not null)
        {
            meta.VersionId = null;
            meta.LastUpdated = null;
            meta.Source = null;
        }

        try
        {
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(FhirJson.Serialize(resource, pretty: false))));
        }
        finally
        {
            resource.Id = id;
            if (meta is not null)
            {
                meta.VersionId = versionId;
                meta.LastUpdated = lastUpdated;
                meta.Source = source;
            }
        }
    }
}
