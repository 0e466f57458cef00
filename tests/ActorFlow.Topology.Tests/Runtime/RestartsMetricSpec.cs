using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.Bounded;
using ActorFlow.Topology.Tests.EndToEnd;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Tests.Runtime;

/// <summary>
/// Failovers are exported as the counter <c>actorflow.job.restarts</c>, tagged by job: an operator's dashboards saw
/// key-group restarts and failed checkpoints but not a job restarting from its last checkpoint (found by an SRE's review).
/// </summary>
public sealed class RestartsMetricSpec : IDisposable
{
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-restarts-metric");

    /// <summary>Verify that a job whose first run fails once counts one restart, in the metric as in <c>RunningJob.Restarts</c>.</summary>
    [Fact]
    public async Task A_failover_must_be_counted_in_the_restarts_metric()
    {
        long counted = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == JobMetrics.MeterName && instrument.Name == "actorflow.job.restarts")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "job" && (string?)tag.Value == "restarts-metric")
                {
                    Interlocked.Add(ref counted, value);
                }
            }
        });
        listener.Start();
        var system = await ActorFlowCluster.StartNodeAsync("restarts-metric", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var seen = new ConcurrentQueue<string>();
            var builder = StreamJobBuilder.Create("restarts-metric");
            builder.FromSource("clicks", new BoundedListSource<Click>([.. BoundedJobs.Clicks(100, 1)]), WatermarkStrategy<Click>.NoWatermarks())
                .Select(c => c.User)
                .To(new FailingOnceSink(seen));
            var job = await JobRunner.StartAsync(system, builder.Build(), new JobRunnerOptions { RestartStrategy = RestartStrategy.FixedDelay(3, TimeSpan.FromMilliseconds(100)) });

            await job.Completion.WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(1, job.Restarts);
            Assert.Equal(1, Interlocked.Read(ref counted));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose() => _data.Dispose();

    /// <summary>Fails its first stream at the first record; later streams pass every record on.</summary>
    private sealed class FailingOnceSink(ConcurrentQueue<string> seen) : ISinkConnector<string>
    {
        private int _streams;

        public Sink<string, Task<Done>> Sink() => Interlocked.Increment(ref _streams) == 1
            ? Flow.Create<string>().Select(string (_) => throw new IOException("the sink's system hiccupped")).ToMaterialized(Akka.Streams.Dsl.Sink.Ignore<string>(), Keep.Right)
            : Akka.Streams.Dsl.Sink.ForEach<string>(seen.Enqueue);
    }
}
