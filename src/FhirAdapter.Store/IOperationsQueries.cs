using FhirAdapter.Store.Operations;

namespace FhirAdapter.Store;

/// <summary>Reads the console needs beyond the pipeline's own: per-patient delivery history, delivery problems, instances.</summary>
public interface IOperationsQueries
{
    /// <summary>Every resource of a patient at every destination, by destination then resource.</summary>
    Task<IReadOnlyList<PatientDelivery>> GetPatientDeliveriesAsync(string patientKey, CancellationToken cancellationToken);

    /// <summary>Rejected resources and those waiting for a retry (with the last reason), newest first, per destination at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<DeliveryProblem>> GetDeliveryProblemsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Instances that started a sync since <paramref name="since"/> or hold a lease now.</summary>
    Task<IReadOnlyList<InstanceSeen>> GetInstancesAsync(DateTimeOffset since, CancellationToken cancellationToken);
}
