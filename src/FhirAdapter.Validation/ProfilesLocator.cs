namespace FhirAdapter.Validation;

/// <summary>Finds the clinic package and the core specification when the options do not name them.</summary>
internal static class ProfilesLocator
{
    internal const string FolderName = "profiles";
    internal const string ManifestName = "package.json";
    internal const string SpecificationFileName = "specification.zip";

    public static string ResolveProfilesPath(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            var full = Path.GetFullPath(configured);
            if (!File.Exists(Path.Combine(full, ManifestName)))
                throw new DirectoryNotFoundException($"No FHIR package ({ManifestName}) in the configured profiles folder '{full}'.");
            return full;
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, FolderName);
                if (File.Exists(Path.Combine(candidate, ManifestName)))
                    return candidate;
            }
        }

        throw new DirectoryNotFoundException(
            $"No '{FolderName}/{ManifestName}' found above '{Directory.GetCurrentDirectory()}' or '{AppContext.BaseDirectory}'; set {nameof(FhirValidationOptions)}.{nameof(FhirValidationOptions.ProfilesPath)}.");
    }

    public static string ResolveSpecificationPath(string? configured)
    {
        var path = string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(AppContext.BaseDirectory, SpecificationFileName)
            : Path.GetFullPath(configured);
        if (!File.Exists(path))
            throw new FileNotFoundException(
                $"The FHIR R4 specification ({SpecificationFileName}, from the Hl7.Fhir.Specification.Data.R4 package) was not found at '{path}'.", path);
        return path;
    }
}
