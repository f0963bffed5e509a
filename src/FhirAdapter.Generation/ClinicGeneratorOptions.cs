namespace FhirAdapter.Generation;

/// <summary>How big and how messy the synthetic clinic's records are. The defaults resemble a real clinic's.</summary>
public sealed class ClinicGeneratorOptions
{
    /// <summary>MRNs are KWC-100001 upwards and must stay six digits.</summary>
    public const int MaxPatients = 899_999;

    public int Patients { get; set; } = 1000;

    /// <summary>The same seed (and options) always gives byte-identical files.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>The day of the first intake.</summary>
    public DateOnly StartDate { get; set; } = new(2025, 6, 2);

    /// <summary>New patients per clinic day (Monday to Saturday), across both sites.</summary>
    public int NewPatientsPerDay { get; set; } = 12;

    /// <summary>Patients per batch (one set of files, named by the batch number): bounds every file's size.</summary>
    public int PatientsPerBatch { get; set; } = 1000;

    /// <summary>Share of records made invalid on purpose (each later followed by a corrected version, unless only the mapping rejects it).</summary>
    public double InvalidRate { get; set; } = 0.005;

    /// <summary>Share of sessions superseded later by a corrected version.</summary>
    public double UpdateRate { get; set; } = 0.02;

    /// <summary>Share of signed disclosure consents revoked later.</summary>
    public double RevocationRate { get; set; } = 0.05;

    /// <summary>Share of intakes written only after the patient's first sessions.</summary>
    public double LateIntakeRate { get; set; } = 0.02;

    /// <summary>Share of sessions withdrawn later (entered-in-error).</summary>
    public double WithdrawalRate { get; set; } = 0.002;

    /// <summary>Share of NDJSON sessions sent again unchanged.</summary>
    public double RepeatRate { get; set; } = 0.005;

    /// <summary>Share of BOCA sessions that go to CSV (when CSV can carry them); DELRAY writes JSON only.</summary>
    public double CsvShare { get; set; } = 0.7;

    /// <summary>Throws if an option is out of range, naming it.</summary>
    public void Validate()
    {
        if (Patients is < 1 or > MaxPatients)
        {
            throw new ArgumentOutOfRangeException(nameof(Patients), Patients, $"Patients must be between 1 and {MaxPatients}.");
        }

        if (NewPatientsPerDay < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(NewPatientsPerDay), NewPatientsPerDay, "NewPatientsPerDay must be at least 1.");
        }

        if (PatientsPerBatch < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(PatientsPerBatch), PatientsPerBatch, "PatientsPerBatch must be at least 1.");
        }

        Rate(InvalidRate, nameof(InvalidRate));
        Rate(UpdateRate, nameof(UpdateRate));
        Rate(RevocationRate, nameof(RevocationRate));
        Rate(LateIntakeRate, nameof(LateIntakeRate));
        Rate(WithdrawalRate, nameof(WithdrawalRate));
        Rate(RepeatRate, nameof(RepeatRate));
        Rate(CsvShare, nameof(CsvShare));
    }

    private static void Rate(double value, string name)
    {
        if (double.IsNaN(value) || value is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be between 0 and 1.");
        }
    }
}
