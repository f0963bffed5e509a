namespace FhirAdapter.Store;

/// <summary>
/// The durable state store of the adapter, one interface per concern. Every method is one atomic unit of work:
/// when it returns, all of it is stored; when it throws (or the process dies), none of it is. The schema is
/// migrated on first use, or explicitly with <see cref="MigrateAsync"/>.
/// </summary>
public interface IAdapterStore : IRecordStore, IPatientStore, IDeliveryStore, IQuarantineStore, ISyncRunStore, IDisclosureStore, ILeaseStore, IApiStateStore,
    IOperatorStore, IPatientViewStore, ISyncReportStore, IOperationsQueries
{
    /// <summary>The provider's name, e.g. <c>Sqlite</c>.</summary>
    string Provider { get; }

    /// <summary>Creates or upgrades the schema (idempotent; safe with several processes opening at once); returns the schema version.</summary>
    Task<int> MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Counts for <c>status</c>, in one read.</summary>
    Task<StoreSummary> GetSummaryAsync(TimeSpan heldWarningAge, CancellationToken cancellationToken);
}
