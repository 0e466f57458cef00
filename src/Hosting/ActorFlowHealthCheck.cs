using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ActorFlow.Hosting;

/// <summary>
/// The health of the host's ActorFlow node and jobs, for ASP.NET Core health checks
/// (<c>services.AddHealthChecks().AddCheck&lt;ActorFlowHealthCheck&gt;("actorflow")</c>): unhealthy until the node is up
/// and every job started, and when a job failed for good; healthy while every job runs or ended by itself (a bounded
/// job at the end of its input); unhealthy again once the node's actor system terminated. Its data give each job's
/// failovers, last complete checkpoint and watermark. A readiness check: a job's start (its recovery) may take long,
/// which a liveness probe should not count against the process.
/// </summary>
public sealed class ActorFlowHealthCheck(ActorFlowNode node, ActorFlowJobs jobs) : IHealthCheck
{
    /// <inheritdoc/>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!node.WhenUp.IsCompletedSuccessfully)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy(
                node.WhenUp.IsFaulted ? "The ActorFlow node failed to start." : "The ActorFlow node is not up yet.",
                node.WhenUp.Exception?.GetBaseException()));
        }

        var data = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, job) in jobs.Started)
        {
            data[name] = job.Completion.Status switch
            {
                TaskStatus.RanToCompletion => "ended",
                TaskStatus.Faulted or TaskStatus.Canceled => "failed",
                _ => $"running: {job.Restarts} failovers, last checkpoint {job.LastCompletedCheckpoint}, watermark {job.CurrentWatermark}",
            };
        }

        if (jobs.Started.Values.FirstOrDefault(j => j.Completion.IsFaulted || j.Completion.IsCanceled) is { } failed)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"Job '{failed.Name}' failed.", failed.Completion.Exception?.GetBaseException(), data));
        }

        if (node.WhenUp.Result.WhenTerminated.IsCompleted)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The ActorFlow node's actor system has terminated.", data: data));
        }

        return Task.FromResult(jobs.Started.Count < jobs.Expected
            ? HealthCheckResult.Unhealthy($"{jobs.Started.Count} of {jobs.Expected} jobs started.", data: data)
            : HealthCheckResult.Healthy($"{jobs.Started.Count} jobs.", data));
    }
}
