namespace FhirAdapter.Store.Sql;

/// <summary>Locks that serialize whole kinds of unit of work where the database runs several at once (<see cref="SqlDialect.LockAsync"/>).</summary>
internal enum StoreLock
{
    /// <summary>
    /// Taken first by every unit that marks several patients dirty (ingest, the release of held records): the
    /// version rules read a record's current version and then move it on, and their patient-row locks never deadlock.
    /// </summary>
    DirtyMarkers = 1,

    /// <summary>Taken by a bulk export kick-off: a client's running exports are counted and the new one added as one step, on any instance.</summary>
    ExportJobs = 2,
}
