using FhirAdapter.Exchange.Sending;

namespace FhirAdapter.Worker.Tests.Support;

/// <summary>
/// A destination, as an <see cref="IBundleSender"/>, that accepts every entry (id and version of its own) after
/// <see cref="BeforeAnswer"/>, which lets a test act while a send is in flight; no FHIR server needed.
/// </summary>
internal sealed class AcceptingSender : IBundleSender
{
    public Func<OutgoingBundle, Task>? BeforeAnswer { get; set; }

    /// <summary>What the destination answers for the disclosure notice's entry (the others are stored).</summary>
    public EntryOutcome NoticeOutcome { get; set; } = EntryOutcome.Sent;

    public static bool IsNotice(Hl7.Fhir.Model.Bundle.EntryComponent e) => e.Request.Url.StartsWith("Provenance?_tag=", StringComparison.Ordinal) && e.Request.Url.Contains(".disclosure.", StringComparison.Ordinal);

    public async Task<DestinationResult> SendAsync(string destination, OutgoingBundle bundle, CancellationToken cancellationToken = default)
    {
        if (BeforeAnswer is { } hook)
        {
            await hook(bundle);
        }

        return new DestinationResult(destination, bundle.PatientKey, [.. bundle.Bundle.Entry.Select(e => new EntryResult(
            e.Request.Url, e.Resource?.TypeName ?? e.Request.Url.Split('/')[0], e.FullUrl,
            IsNotice(e) ? NoticeOutcome : EntryOutcome.Sent, IsNotice(e) && NoticeOutcome != EntryOutcome.Sent ? 503 : 200,
            IsNotice(e) && NoticeOutcome != EntryOutcome.Sent ? null : Guid.NewGuid().ToString("N"), "1", IsNotice(e) && NoticeOutcome != EntryOutcome.Sent ? "HTTP 503" : null))]);
    }

    public async Task<IReadOnlyList<DestinationResult>> SendManyAsync(string destination, IReadOnlyList<OutgoingBundle> bundles, CancellationToken cancellationToken = default) =>
        await Task.WhenAll(bundles.Select(b => SendAsync(destination, b, cancellationToken)));
}
