using FhirAdapter.Core.Reading;
using FhirAdapter.Core.Mapping;

namespace FhirAdapter.Core.Tests.Support;

/// <summary>samples/inbox read and mapped once, shared by the tests that look at the result.</summary>
public sealed class SampleMapping
{
    public SampleMapping()
    {
        Snapshot = InboxSnapshot.ReadAsync(RepoPaths.Inbox).GetAwaiter().GetResult();
        Mapper = new RecordMapper(new MappingOptions());
        Result = Mapper.Map(Snapshot.Records.Records);
        Files = MappingOutput.Files(Result).ToDictionary(f => f.Name, f => f.Json, StringComparer.Ordinal);
    }

    public InboxSnapshot Snapshot { get; }

    public RecordMapper Mapper { get; }

    public MappingResult Result { get; }

    public IReadOnlyDictionary<string, string> Files { get; }
}
