using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestFramework("FhirAdapter.Store.Tests.Postgres.PostgresSkippingFramework", "FhirAdapter.Store.Tests")]

namespace FhirAdapter.Store.Tests.Postgres;

/// <summary>
/// xUnit's own framework, except that with <c>FHIRADAPTER_SKIP_POSTGRES=1</c> (and no <c>FHIRADAPTER_TEST_POSTGRES</c>)
/// every test of a class in this namespace is reported as skipped, with that reason. xUnit 2 has no skip at run
/// time, and the contract tests' [Fact]s live in the shared abstract classes, so the choice is made at discovery.
/// </summary>
public sealed class PostgresSkippingFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    protected override ITestFrameworkDiscoverer CreateDiscoverer(IAssemblyInfo assemblyInfo) =>
        new Discoverer(assemblyInfo, SourceInformationProvider, DiagnosticMessageSink);

    private sealed class Discoverer(IAssemblyInfo assemblyInfo, ISourceInformationProvider sourceProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkDiscoverer(assemblyInfo, sourceProvider, diagnosticMessageSink)
    {
        private static readonly string Namespace = typeof(PostgresSkippingFramework).Namespace! + ".";

        private static bool Skipping =>
            Environment.GetEnvironmentVariable(PostgresServer.SkipVariable) == "1"
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable(PostgresServer.ConnectionVariable));

        protected override bool FindTestsForMethod(ITestMethod testMethod, bool includeSourceInformation, IMessageBus messageBus, ITestFrameworkDiscoveryOptions discoveryOptions)
        {
            if (!Skipping || !testMethod.TestClass.Class.Name.StartsWith(Namespace, StringComparison.Ordinal)
                || !testMethod.Method.GetCustomAttributes(typeof(FactAttribute)).Any())
            {
                return base.FindTestsForMethod(testMethod, includeSourceInformation, messageBus, discoveryOptions);
            }

            var skipped = new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(),
                testMethod, $"PostgreSQL tests skipped: {PostgresServer.SkipVariable}=1");
            return ReportDiscoveredTestCase(skipped, includeSourceInformation, messageBus);
        }
    }
}
