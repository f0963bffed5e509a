namespace FhirAdapter.Core.Reading;

/// <summary>
/// The vital signs that intakes and sessions both record, read with one set of plausible ranges: a value outside them
/// is a slip of the keyboard to be named in the record's error, not a reading to chart.
/// </summary>
internal static class VitalSigns
{
    public static decimal? WeightKg(JsonFields fields) => fields.Decimal("weightKg", min: 1, max: 500);

    /// <summary>systolic, diastolic and heartRate, read in that order.</summary>
    public static (int? Systolic, int? Diastolic, int? HeartRate) BloodPressureAndHeartRate(JsonFields fields) =>
        (fields.Int("systolic", min: 40, max: 300), fields.Int("diastolic", min: 20, max: 200), fields.Int("heartRate", min: 20, max: 250));
}
