using FhirAdapter.Worker.Commands;

// The composition root stays thin: each command lives in Commands/ and builds what it needs.
return await AdapterCommandLine.RunAsync(args).ConfigureAwait(false);
