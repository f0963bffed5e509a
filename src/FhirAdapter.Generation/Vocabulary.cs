namespace FhirAdapter.Generation;

/// <summary>
/// The small built-in lists the synthetic clinic draws from. Every name, street, phone number and
/// e-mail is invented: surnames are deliberately whimsical, phones are in the 555-01xx range
/// reserved for fiction, e-mails use example.com and NPIs are fictional (valid check digit only).
/// </summary>
internal static class Vocabulary
{
    public static readonly string[] FemaleNames =
        ["Ada", "Bea", "Clara", "Delia", "Edith", "Flora", "Greta", "Hazel", "Iris", "June", "Lena", "Mabel", "Nell", "Opal", "Pearl", "Rosa", "Stella", "Tess", "Vera", "Wren", "Zelda", "Lucia", "Marisol", "Ines"];

    public static readonly string[] MaleNames =
        ["Abe", "Bram", "Cyril", "Dex", "Ezra", "Felix", "Gus", "Hugo", "Ike", "Jasper", "Kurt", "Leo", "Milo", "Ned", "Otto", "Rufus", "Silas", "Theo", "Wade", "Zeke", "Mateo", "Joao", "Rafael", "Tomas"];

    public static readonly string[] NeutralNames = ["Alex", "Robin", "Sam", "Quinn", "Rowan", "Sky", "Jordan", "Casey"];

    public static readonly string[] Surnames =
    [
        "Bramblewood", "Cinderfield", "Dapplegate", "Elderflower", "Fernsby", "Gildenholt", "Hollowmere", "Inkwell", "Juniperly", "Kettleburn",
        "Larkspur", "Marbleton", "Nettlefold", "Oakenshaw", "Pebbleworth", "Quillby", "Rosethorne", "Sparrowdale", "Thistlewood", "Umberfield",
        "Willowmere", "Yarrowby", "Zephyrine", "Applecrest", "Bumbleton", "Copperkettle", "Driftwood", "Emberly", "Foxglove", "Glimmerton",
    ];

    public static readonly string[] Streets =
        ["Example Ave", "Sample St", "Placeholder Ln", "Fictional Way", "Synthetic Blvd", "Demo Ct", "Testing Dr", "Imaginary Cir", "Storybook Rd", "Makebelieve Ter"];

    public static readonly string[] Relationships = ["spouse", "partner", "mother", "father", "sister", "brother", "friend", "daughter", "son"];

    public static readonly string[] MaritalStatuses = ["married", "never married", "divorced", "widowed", "separated", "domestic partner"];

    public static readonly (string City, string[] PostalCodes) Boca = ("Boca Raton", ["33431", "33432", "33433", "33434", "33486"]);

    public static readonly (string City, string[] PostalCodes) Delray = ("Delray Beach", ["33444", "33445", "33483", "33484"]);

    /// <summary>Who may receive records under a disclosure consent, by the organizationId the adapter is configured with.</summary>
    public static readonly (string Id, string Name)[] Organizations =
    [
        ("pbpca", "Palm Beach Primary Care Associates"),
        ("bhn", "Boca Behavioral Health Network"),
        ("sfh", "South Florida Hospital"),
    ];

    public static readonly Person[] BocaPrescribers =
        [new("Avery Quillby, MD", Npi.From(143726589)), new("Jonah Fernsby, DO", Npi.From(118845302)), new("Marisol Dapplegate, MD", Npi.From(191274036)), new("Irene Kettleburn, PA-C", Npi.From(126603489))];

    public static readonly Person[] DelrayPrescribers =
        [new("Thomas Larkspur, DO", Npi.From(167402385)), new("Nadia Oakenshaw, MD", Npi.From(173019264)), new("Priscilla Marbleton, PA-C", Npi.From(130582917))];

    public static readonly Person[] BocaMonitors =
        [new("Rita Sparrowdale, RN", null), new("Mark Hollowmere, RN", null), new("Renee Cinderfield, CRNA", Npi.From(185530214))];

    public static readonly Person[] DelrayMonitors =
        [new("Jasmine Willowmere, RN", Npi.From(162047711)), new("Owen Thistlewood, RN", null)];

    public static readonly Person[] PrimaryCare =
        [new("Angela Pebbleworth, DO", Npi.From(155530214)), new("Steven Gildenholt, MD", Npi.From(162047811)), new("Helen Inkwell, MD", null), new("Carlos Rosethorne, MD", Npi.From(137726589)), new("Dana Umberfield, NP", null)];

    public static readonly Person[] Referrers =
        [new("Samuel Glimmerton, MD", Npi.From(191274066)), new("Lydia Foxglove, PsyD", null), new("Victor Emberly, MD", Npi.From(120582917))];

    public static readonly (Indication Value, double Weight)[] Indications =
    [
        (new("depression", "F33.2", "Major depressive disorder, recurrent severe without psychotic features", false), 30),
        (new("depression", "F32.2", "Major depressive disorder, single episode, severe without psychotic features", false), 14),
        (new("depression", "F32.1", "Major depressive disorder, single episode, moderate", false), 8),
        (new("anxiety", "F41.1", "Generalized anxiety disorder", false), 12),
        (new("ptsd", "F43.10", "Post-traumatic stress disorder, unspecified", false), 7),
        (new("ptsd", "F43.12", "Post-traumatic stress disorder, chronic", false), 5),
        (new("ocd", "F42.2", "Mixed obsessional thoughts and acts", false), 5),
        (new("alcohol", "F10.20", "Alcohol dependence, uncomplicated", true), 9),
        (new("opioids", "F11.20", "Opioid dependence, uncomplicated", true), 6),
        (new("cocaine", "F14.20", "Cocaine dependence, uncomplicated", true), 4),
    ];

    // RxNorm codes as the samples carry them (from memory there too): verify before relying on them.
    public static readonly Medication[] Antidepressants =
    [
        new("sertraline 100 mg tablet", "312941", "100 mg", "daily"),
        new("escitalopram 10 mg tablet", "349332", "10 mg", "daily"),
        new("fluoxetine 20 mg capsule", "310385", "20 mg", "daily"),
        new("duloxetine 60 mg capsule", null, "60 mg", "daily"),
        new("bupropion XL 300 mg tablet", null, "300 mg", "daily"),
        new("trazodone 50 mg tablet", null, "50 mg", "at bedtime"),
    ];

    public static readonly Medication[] OtherMedications =
    [
        new("atorvastatin 20 mg tablet", "617310", "20 mg", "daily"),
        new("lisinopril 10 mg tablet", "314076", "10 mg", "daily"),
        new("metformin 500 mg tablet", "860975", "500 mg", "twice daily"),
        new("amlodipine 5 mg tablet", "197361", "5 mg", "daily"),
        new("propranolol 10 mg tablet", null, "10 mg", "as needed"),
    ];

    public static readonly Medication Naltrexone = new("naltrexone 50 mg tablet", null, "50 mg", "daily");

    public static readonly Medication Buprenorphine = new("buprenorphine-naloxone 8 mg-2 mg film", null, "8 mg", "daily");

    public static readonly string[] SessionNotes =
    [
        "Tolerated well; calm throughout.",
        "Reported \"floating\" sensation at peak, resolved by discharge.",
        "Music and eye mask used; brief tearfulness, processed with nurse.",
        "Ride home confirmed with spouse, no driving for 24 h.",
        "Mild anticipatory anxiety before dose; settled after breathing exercise.",
        "Patient asked about spacing of maintenance sessions, to discuss at next visit.",
        "BP rechecked twice before discharge, within baseline range.\nEscort present at discharge.",
    ];
}
