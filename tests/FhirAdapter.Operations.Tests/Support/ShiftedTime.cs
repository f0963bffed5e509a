namespace FhirAdapter.Operations.Tests.Support;

/// <summary>The system clock moved to another start: it runs at the real pace from <paramref name="start"/>.</summary>
public sealed class ShiftedTime(DateTimeOffset start) : TimeProvider
{
    private readonly TimeSpan _shift = start - TimeProvider.System.GetUtcNow();

    public override DateTimeOffset GetUtcNow() => TimeProvider.System.GetUtcNow() + _shift;
}
