namespace FhirAdapter.Store.Sql;

/// <summary>One embedded migration, <c>{Provider}/Migrations/NNNN_name.sql</c>.</summary>
internal sealed record MigrationScript(int Version, string Name, string Sql)
{
    /// <summary>A provider's scripts in version order (the csproj embeds each folder under <c>FhirAdapter.Store.{Provider}.Migrations.</c>).</summary>
    public static IReadOnlyList<MigrationScript> Load(string provider)
    {
        var prefix = $"FhirAdapter.Store.{provider}.Migrations.";
        var assembly = typeof(MigrationScript).Assembly;
        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal)))
        {
            var file = Path.GetFileNameWithoutExtension(resource[prefix.Length..]);
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            var version = int.Parse(file.AsSpan(0, underscore), System.Globalization.CultureInfo.InvariantCulture);
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            scripts.Add(new MigrationScript(version, file[(underscore + 1)..], reader.ReadToEnd()));
        }

        scripts.Sort((a, b) => a.Version.CompareTo(b.Version));
        if (scripts.Select(s => s.Version).Distinct().Count() != scripts.Count)
        {
            throw new InvalidOperationException($"Two {provider} store migrations share a version number");
        }

        return scripts;
    }
}
