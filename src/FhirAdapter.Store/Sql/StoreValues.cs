using System.Data.Common;
using System.Globalization;
using FhirAdapter.Core.Export;
using FhirAdapter.Store.Delivery;
using FhirAdapter.Store.Disclosures;
using FhirAdapter.Store.Patients;
using FhirAdapter.Store.Runs;

namespace FhirAdapter.Store.Sql;

/// <summary>How values are written to and read from columns, the same in every database: lower-case codes for enums, the exported time with its own offset.</summary>
internal static class StoreValues
{
    /// <summary>The exported time with its own offset, so a rehydrated record is the record that was read.</summary>
    public static string Original(DateTimeOffset value) => value.ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseOriginal(string value) => DateTimeOffset.ParseExact(value, "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

    public static string? NullableString(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static int? NullableInt(this DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);

    public static string Code(RecordKind kind) => kind switch
    {
        RecordKind.Form => "form",
        RecordKind.Intake => "intake",
        RecordKind.Consent => "consent",
        RecordKind.Session => "session",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static RecordKind ParseKind(string value) => Enum.Parse<RecordKind>(value, ignoreCase: true);

    public static string Code(RecordStatus status) => status == RecordStatus.EnteredInError ? "entered-in-error" : "active";

    public static RecordStatus ParseStatus(string value) => value == "entered-in-error" ? RecordStatus.EnteredInError : RecordStatus.Active;

    public static string Code(VersionOutcome outcome) => outcome switch
    {
        VersionOutcome.New => "new",
        VersionOutcome.Supersedes => "supersedes",
        VersionOutcome.Repeat => "repeat",
        VersionOutcome.Stale => "stale",
        VersionOutcome.Conflict => "conflict",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    public static VersionOutcome ParseOutcome(string value) => Enum.Parse<VersionOutcome>(value, ignoreCase: true);

    public static string Code(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Pending => "pending",
        DeliveryStatus.Sent => "sent",
        DeliveryStatus.Rejected => "rejected",
        DeliveryStatus.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static DeliveryStatus ParseDeliveryStatus(string value) => Enum.Parse<DeliveryStatus>(value, ignoreCase: true);

    public static string Code(HeldWaitKind kind) => kind == HeldWaitKind.Form ? "form" : "intake";

    public static HeldWaitKind ParseWaitKind(string value) => value == "form" ? HeldWaitKind.Form : HeldWaitKind.Intake;

    public static string Code(DisclosureChannel channel) => channel == DisclosureChannel.Pull ? "pull" : "push";

    public static DisclosureChannel ParseChannel(string value) => value == "pull" ? DisclosureChannel.Pull : DisclosureChannel.Push;

    public static string Code(SyncRunOutcome outcome) => outcome switch
    {
        SyncRunOutcome.Succeeded => "succeeded",
        SyncRunOutcome.CompletedWithErrors => "completed-with-errors",
        SyncRunOutcome.Failed => "failed",
        SyncRunOutcome.Cancelled => "cancelled",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    public static SyncRunOutcome ParseRunOutcome(string value) => value switch
    {
        "succeeded" => SyncRunOutcome.Succeeded,
        "completed-with-errors" => SyncRunOutcome.CompletedWithErrors,
        "failed" => SyncRunOutcome.Failed,
        _ => SyncRunOutcome.Cancelled,
    };
}
