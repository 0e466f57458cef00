using System.Buffers.Binary;
using System.Diagnostics;
using ActorFlow.Benchmarks.Kafka;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Producer;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Akka.Actor;
using Confluent.Kafka;

namespace ActorFlow.Benchmarks.Runtime;

/// <summary>A record of the Kafka → Kafka contenders: its key, the partition it was read from and its raw bytes.</summary>
/// <param name="Key">The decoded key (the filter looks at it).</param>
/// <param name="Partition">The input partition; the copy goes to the same output partition.</param>
/// <param name="KeyBytes">The record's key bytes, written unchanged.</param>
/// <param name="Value">The record's value bytes, written unchanged.</param>
public sealed record CopiedEvent(long Key, int Partition, byte[] KeyBytes, byte[] Value);

/// <summary>
/// The Kafka → Kafka ceiling and the stateless job with the Kafka sink (issue 15): both read the input topic with the
/// same consumer settings, drop the records <see cref="BenchEvent.Keep"/> drops, and write the others' key and value
/// bytes unchanged to the same partition of a fresh output topic with the same producer settings (reference.conf's
/// <c>producer.kafka-clients</c>, delivery reports on as the job's sink has them). Both are done when the output
/// topic's high watermarks reach every kept record, polled the same way for both.
/// </summary>
public sealed class KafkaToKafka(EmbeddedKafka kafka, ActorSystem system, ConsumerSettings<byte[], byte[]> consumer, ProducerSettings<byte[], byte[]> producer, JobRunnerOptions options)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private int _runs;

    /// <summary>
    /// A raw loop on one thread: <c>Consume</c>, decode the key, filter, <c>Produce</c> (with a delivery handler, as
    /// the sink's producer stage) to the record's partition; librdkafka's queue-full answer waits in <c>Poll</c>.
    /// </summary>
    public async Task<RunResult> RawAsync(InputTopic topic)
    {
        var output = NewOutput(topic, "raw");
        var allocated = GC.GetTotalAllocatedBytes();
        var paused = GC.GetTotalPauseDuration();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        long first = 0;
        long failed = 0;
        var watch = OutputWatch.StartAsync(kafka, output, topic.KeptPerPartition, Timeout);
        var loop = Task.Factory.StartNew(() =>
        {
            using var c = new ConsumerBuilder<byte[], byte[]>(RawClients.ConsumerConfig(consumer)).Build();
            using var p = new ProducerBuilder<byte[], byte[]>(new ProducerConfig(new Dictionary<string, string>(producer.Properties, StringComparer.Ordinal))).Build();
            Action<DeliveryReport<byte[], byte[]>> delivered = r =>
            {
                if (r.Error.IsError)
                {
                    Interlocked.Increment(ref failed);
                }
            };
            c.Assign(topic.FromBeginning());
            long count = 0;
            while (count < topic.Records && !watch.IsCompleted)
            {
                if (c.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } r)
                {
                    if (count++ == 0)
                    {
                        first = Stopwatch.GetTimestamp();
                    }

                    if (BenchEvent.Keep(BinaryPrimitives.ReadInt64BigEndian(r.Message.Key)))
                    {
                        Produce(p, new TopicPartition(output, r.Partition), new Message<byte[], byte[]> { Key = r.Message.Key, Value = r.Message.Value }, delivered);
                    }
                }
            }

            p.Flush(Timeout);
            c.Close();
        }, TaskCreationOptions.LongRunning);
        var end = await watch;
        await loop;
        if (Interlocked.Read(ref failed) > 0)
        {
            throw new InvalidOperationException($"The raw copy failed to deliver {failed} records.");
        }

        return new RunResult(topic.Records, start, first, end, GC.GetTotalAllocatedBytes() - allocated, GC.GetTotalPauseDuration() - paused,
            Process.GetCurrentProcess().TotalProcessorTime - cpu);
    }

    /// <summary>The stateless job: <c>Where(Keep)</c> → <c>KafkaConnectors.Sink</c> to the record's partition.</summary>
    public async Task<RunResult> JobAsync(InputTopic topic)
    {
        var output = NewOutput(topic, "job");
        long first = 0;
        var source = KafkaConnectors.Source(consumer, Subscriptions.AssignmentWithOffset(topic.FromBeginning()), r =>
        {
            if (Volatile.Read(ref first) == 0)
            {
                Interlocked.CompareExchange(ref first, Stopwatch.GetTimestamp(), 0);
            }

            return new CopiedEvent(BinaryPrimitives.ReadInt64BigEndian(r.Message.Key), r.Partition.Value, r.Message.Key, r.Message.Value);
        });
        var job = StreamJobBuilder.Create(output)
            .FromSource("input", source, WatermarkStrategy<CopiedEvent>.NoWatermarks())
            .Where(e => BenchEvent.Keep(e.Key))
            .To(KafkaConnectors.Sink<CopiedEvent>(producer, e => new ProducerRecord<byte[], byte[]>(output, e.Partition, new Message<byte[], byte[]> { Key = e.KeyBytes, Value = e.Value })))
            .Build();
        var allocated = GC.GetTotalAllocatedBytes();
        var paused = GC.GetTotalPauseDuration();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var start = Stopwatch.GetTimestamp();
        var watch = OutputWatch.StartAsync(kafka, output, topic.KeptPerPartition, Timeout);
        var running = JobRunner.Start(system, job, options);
        try
        {
            var end = await watch;
            return new RunResult(topic.Records, start, Volatile.Read(ref first), end, GC.GetTotalAllocatedBytes() - allocated, GC.GetTotalPauseDuration() - paused,
                Process.GetCurrentProcess().TotalProcessorTime - cpu);
        }
        finally
        {
            await running.StopAsync(TimeSpan.FromSeconds(30));
        }
    }

    private string NewOutput(InputTopic topic, string kind)
    {
        var name = $"copy-{kind}-{Interlocked.Increment(ref _runs)}";
        kafka.CreateTopic(name, topic.Partitions);
        return name;
    }

    private static void Produce(IProducer<byte[], byte[]> producer, TopicPartition partition, Message<byte[], byte[]> message, Action<DeliveryReport<byte[], byte[]>> delivered)
    {
        while (true)
        {
            try
            {
                producer.Produce(partition, message, delivered);
                return;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                producer.Poll(TimeSpan.FromMilliseconds(1));
            }
        }
    }
}

/// <summary>
/// Waits until every partition of an output topic holds its expected count (high watermark), asking the broker for
/// one partition at a time every 5 ms and moving to the next once it is full, so the watch costs the broker about
/// 200 small requests a second whoever writes; completes with the Stopwatch time it saw the last partition full.
/// </summary>
internal static class OutputWatch
{
    public static Task<long> StartAsync(EmbeddedKafka kafka, string topic, IReadOnlyList<long> expected, TimeSpan timeout) => Task.Factory.StartNew(() =>
    {
        using var query = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = "watch-" + topic }).Build();
        var start = Stopwatch.GetTimestamp();
        for (var p = 0; p < expected.Count; p++)
        {
            while (query.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value < expected[p])
            {
                if (Stopwatch.GetElapsedTime(start) > timeout)
                {
                    throw new TimeoutException($"{topic}/{p} did not reach {expected[p]:N0} records within {timeout}.");
                }

                Thread.Sleep(5);
            }
        }

        return Stopwatch.GetTimestamp();
    }, TaskCreationOptions.LongRunning);
}
