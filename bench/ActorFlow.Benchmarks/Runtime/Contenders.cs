using System.Diagnostics;
using ActorFlow.Benchmarks.Kafka;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Akka.Actor;
using Confluent.Kafka;

namespace ActorFlow.Benchmarks.Runtime;

/// <summary>
/// The three readers of the input topic, all built from the same <see cref="ConsumerSettings{TKey,TValue}"/>
/// (reference.conf's tuned kafka-clients) and all reading every partition from the beginning by manual assignment.
/// </summary>
public sealed class Contenders(ActorSystem system, ConsumerSettings<byte[], byte[]> settings, JobRunnerOptions options)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private int _jobs;

    /// <summary>A raw Confluent consumer: <c>Assign</c> + a <c>Consume</c> loop that counts.</summary>
    public RunResult Raw(InputTopic topic)
    {
        var allocated = GC.GetTotalAllocatedBytes();
        var paused = GC.GetTotalPauseDuration();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(RawClients.ConsumerConfig(settings)).Build();
        consumer.Assign(topic.FromBeginning());
        long count = 0;
        long first = 0;
        while (count < topic.Records)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false })
            {
                if (count++ == 0)
                {
                    first = Stopwatch.GetTimestamp();
                }
            }

            if (Stopwatch.GetElapsedTime(start) > Timeout)
            {
                throw new TimeoutException($"The raw consumer read only {count} of {topic.Records}.");
            }
        }

        var end = Stopwatch.GetTimestamp();
        var result = new RunResult(count, start, first, end, GC.GetTotalAllocatedBytes() - allocated, GC.GetTotalPauseDuration() - paused,
            Process.GetCurrentProcess().TotalProcessorTime - cpu);
        consumer.Close();
        return result;
    }

    /// <summary>(a) Kafka → Where (drops key % 10 == 0) → Select (the produce timestamp) → counting sink.</summary>
    public Task<RunResult> StatelessAsync(InputTopic topic, ActorFlow.Topology.Connectors.ISourceConnector<BenchEvent>? memory = null)
    {
        var sink = new CountingSink<long>(topic.Kept, _ => 1);
        return RunAsync(topic, sink, "stateless", (name, source) => StreamJobBuilder.Create(name)
            .FromSource("input", source, WatermarkStrategy<BenchEvent>.NoWatermarks())
            .Where(e => BenchEvent.Keep(e.Key))
            .Select(e => e.Produced)
            .To(sink)
            .Build(), memory);
    }

    /// <summary>Diagnostic (Nexmark q0): Kafka → counting sink, no Where/Select, to separate the cost of the DSL steps.</summary>
    public Task<RunResult> PassThroughAsync(InputTopic topic, ActorFlow.Topology.Connectors.ISourceConnector<BenchEvent>? memory = null)
    {
        var sink = new CountingSink<BenchEvent>(topic.Records, _ => 1);
        return RunAsync(topic, sink, "passthrough", (name, source) => StreamJobBuilder.Create(name)
            .FromSource("input", source, WatermarkStrategy<BenchEvent>.NoWatermarks())
            .To(sink)
            .Build(), memory);
    }

    /// <summary>(b) Kafka → KeyBy(key) → tumbling 10 s event-time count per key → counting sink (done when the counts sum to every real record).</summary>
    public Task<RunResult> TumblingCountAsync(InputTopic topic, ActorFlow.Topology.Connectors.ISourceConnector<BenchEvent>? memory = null)
    {
        var sink = new CountingSink<long>(topic.Real, count => count);
        return RunAsync(topic, sink, "tumbling", (name, source) => StreamJobBuilder.Create(name)
            .FromSource("input", source, WatermarkStrategy<BenchEvent>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((_, ts) => ts))
            .KeyBy(e => e.Key)
            .Process("count", () => WindowOperators.For<long, BenchEvent>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(10))).Aggregate(new CountPerWindow()))
            .To(sink)
            .Build(), memory);
    }

    private async Task<RunResult> RunAsync<TOut>(InputTopic topic, CountingSink<TOut> sink, string kind, Func<string, ActorFlow.Topology.Connectors.ISourceConnector<BenchEvent>, StreamJob> build,
        ActorFlow.Topology.Connectors.ISourceConnector<BenchEvent>? memory)
    {
        long first = 0;
        var source = memory ?? KafkaConnectors.Source(settings, Subscriptions.AssignmentWithOffset(topic.FromBeginning()), r =>
        {
            if (Volatile.Read(ref first) == 0)
            {
                Interlocked.CompareExchange(ref first, Stopwatch.GetTimestamp(), 0);
            }

            return BenchEvent.Decode(r);
        });
        var job = build($"{kind}-{Interlocked.Increment(ref _jobs)}", source);
        var allocated = GC.GetTotalAllocatedBytes();
        var paused = GC.GetTotalPauseDuration();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        var running = JobRunner.Start(system, job, options);
        try
        {
            var end = await sink.Done.WaitAsync(Timeout);
            return new RunResult(topic.Records, start, memory is null ? Volatile.Read(ref first) : start, end,
                GC.GetTotalAllocatedBytes() - allocated, GC.GetTotalPauseDuration() - paused, Process.GetCurrentProcess().TotalProcessorTime - cpu);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The {kind} job reached {sink.Total:N0} of {sink.Expected:N0} within {Timeout}.");
        }
        finally
        {
            await running.StopAsync(TimeSpan.FromSeconds(30));
        }
    }
}
