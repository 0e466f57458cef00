using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Bounded;

/// <summary>The <c>actorflow.records.in</c> counter counts each record read once, however many consumers its source has.</summary>
public sealed class RecordsInMetricSpec : IDisposable
{
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-records-in");

    /// <summary>Verify that a source read by three consumers counts its records once (it counted them once per consumer).</summary>
    [Fact]
    public async Task Records_read_by_several_consumers_must_be_counted_once()
    {
        var input = BoundedJobs.Clicks(1_000, 2);
        long counted = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "ActorFlow" && instrument.Name == "actorflow.records.in")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "job" && (string?)tag.Value == "records-in")
                {
                    Interlocked.Add(ref counted, value);
                }
            }
        });
        listener.Start();
        var system = await ActorFlowCluster.StartNodeAsync("records-in", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var builder = StreamJobBuilder.Create("records-in");
            var clicks = builder.FromSource("clicks", new BoundedListSource<Click>([.. input]), WatermarkStrategy<Click>.NoWatermarks());
            var a = new ConcurrentQueue<Click>();
            var b = new ConcurrentQueue<string>();
            var c = new ConcurrentQueue<Click>();
            clicks.To(new QueueSink<Click>(a));
            clicks.Select(x => x.User).To(new QueueSink<string>(b));
            clicks.Where(_ => true).To(new QueueSink<Click>(c));
            var running = await JobRunner.StartAsync(system, builder.Build());

            var summary = await running.Completion.WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(1_000, summary.RecordsRead);
            Assert.Equal(1_000, Interlocked.Read(ref counted));
            Assert.Equal((1_000, 1_000, 1_000), (a.Count, b.Count, c.Count));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose() => _data.Dispose();
}
