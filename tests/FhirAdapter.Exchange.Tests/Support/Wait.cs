namespace FhirAdapter.Exchange.Tests.Support;

internal static class Wait
{
    /// <summary>Polls (in real time, briefly) until the condition holds; the code under test runs on other threads.</summary>
    public static async Task UntilAsync(Func<bool> condition, string what, int timeoutMs = 10_000)
    {
        var started = Environment.TickCount64;
        while (!condition())
        {
            if (Environment.TickCount64 - started > timeoutMs)
            {
                throw new TimeoutException("Timed out waiting until " + what);
            }

            await Task.Delay(5);
        }
    }
}
