using FhirAdapter.Exchange.Options;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;

namespace FhirAdapter.Exchange.Http;

/// <summary>
/// One destination's resilience pipeline, outermost first: total timeout, retry, circuit breaker, attempt timeout.
/// The breaker sits inside the retry so every attempt counts, and an open circuit ends the retries at once.
/// </summary>
internal static class DestinationPipeline
{
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, DestinationOptions d, TimeProvider time, ILogger logger)
    {
        builder.AddTimeout(new HttpTimeoutStrategyOptions { Name = "total", Timeout = d.TotalTimeout });

        if (d.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                Name = "retry",
                MaxRetryAttempts = d.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = d.BackoffBase,
                MaxDelay = d.MaxBackoff,
                // Off before DelayGenerator is set: the setter would otherwise replace our generator with its own.
                ShouldRetryAfterHeader = false,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter.Delay(args.Outcome.Result, time, d.MaxRetryAfter)),
                ShouldHandle = args => ValueTask.FromResult(
                    TransientFailure.IsRetryable(args.Outcome) && RequestMarks.IsIdempotent(args.Context.GetRequestMessage())),
                OnRetry = args =>
                {
                    Log.RetryScheduled(logger, d.Name, args.AttemptNumber + 1, args.RetryDelay, TransientFailure.Describe(args.Outcome));
                    return ValueTask.CompletedTask;
                },
            });
        }

        builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
        {
            Name = "circuit",
            FailureRatio = d.CircuitBreaker.FailureRatio,
            MinimumThroughput = d.CircuitBreaker.MinimumThroughput,
            SamplingDuration = d.CircuitBreaker.SamplingDuration,
            BreakDuration = d.CircuitBreaker.BreakDuration,
            ShouldHandle = args => ValueTask.FromResult(TransientFailure.IsFailure(args.Outcome)),
            OnOpened = args =>
            {
                Log.CircuitOpened(logger, d.Name, args.BreakDuration, TransientFailure.Describe(args.Outcome));
                return ValueTask.CompletedTask;
            },
            OnClosed = _ =>
            {
                Log.CircuitClosed(logger, d.Name);
                return ValueTask.CompletedTask;
            },
        });

        builder.AddTimeout(new HttpTimeoutStrategyOptions { Name = "attempt", Timeout = d.AttemptTimeout });
    }
}
