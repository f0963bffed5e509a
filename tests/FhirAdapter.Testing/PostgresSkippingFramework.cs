using Xunit;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace FhirAdapter.Testing;

/// <summary>
/// xUnit's own framework, except that when <see cref="TestPostgres.Skipped"/> every test marked
/// <see cref="RequiresPostgresAttribute"/> (on its method or its class) is reported as skipped, with the reason. xUnit 2
/// cannot skip at run time, and the store's contract tests inherit their [Fact]s from shared classes, so the choice is
/// made at discovery. A test project that has such tests uses it with
/// <c>[assembly: TestFramework("FhirAdapter.Testing.PostgresSkippingFramework", "FhirAdapter.Testing")]</c>.
/// </summary>
public sealed class PostgresSkippingFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkDiscoverer CreateDiscoverer(IAssemblyInfo assemblyInfo) =>
        new Discoverer(assemblyInfo, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Discoverer(IAssemblyInfo assemblyInfo, ISourceInformationProvider sourceProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkDiscoverer(assemblyInfo, sourceProvider, diagnosticMessageSink)
    {
        protected override bool FindTestsForMethod(ITestMethod testMethod, bool includeSourceInformation, IMessageBus messageBus, ITestFrameworkDiscoveryOptions discoveryOptions)
        {
            if (!TestPostgres.Skipped || !testMethod.Method.GetCustomAttributes(typeof(FactAttribute)).Any()
                || !(testMethod.Method.GetCustomAttributes(typeof(RequiresPostgresAttribute)).Any() || testMethod.TestClass.Class.GetCustomAttributes(typeof(RequiresPostgresAttribute)).Any()))
            {
                return base.FindTestsForMethod(testMethod, includeSourceInformation, messageBus, discoveryOptions);
            }

            var skipped = new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(),
                testMethod, $"PostgreSQL tests skipped: {TestPostgres.SkipVariable}=1 (and no {TestPostgres.ConnectionVariable})");
            return ReportDiscoveredTestCase(skipped, includeSourceInformation, messageBus);
        }
    }
}
