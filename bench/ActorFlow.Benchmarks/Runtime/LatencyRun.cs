using System.Diagnostics;
using ActorFlow.Benchmarks.Kafka;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Dsl;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Akka.Actor;
using Confluent.Kafka;

namespace ActorFlow.Benchmarks.Runtime;

/// <summary>Latency percentiles in milliseconds over the measured records.</summary>
/// <param name="Rate">Target produce rate (records/s).</param>
/// <param name="Achieved">Produce rate reached over the measured span (records/s).</param>
/// <param name="Measured">Records whose latency was measured (those due after the warm-up).</param>
/// <param name="Lost">Kept records produced but never seen by the sink.</param>
public sealed record LatencyResult(double Rate, double Achieved, long Measured, long Lost, double P50, double P90, double P99, double P999, double Max);

/// <summary>
/// (c) Produce → sink latency of the stateless job (a) at a steady rate: a producer thread (reference.conf's settings,
/// <c>linger.ms</c> 5, without delivery reports) writes the Stopwatch time at which each record was due (start + n /
/// rate) into the record, round robin over the partitions, while the job consumes; the counting sink computes
/// now − due for every record, and the job's decoder the same at its source stage (every record there, kept or not:
/// the filter is by key, so both see the same mix). Records due in the first <c>warmUp</c> (job start, JIT) are not
/// measured.
/// </summary>
public static class LatencyRun
{
    public static async Task<LatencyResult> RunAsync(
        EmbeddedKafka kafka, ActorSystem system, ConsumerSettings<byte[], byte[]> consumer, ProducerSettings<byte[], byte[]> producerSettings,
        JobRunnerOptions options, int partitions, int keys, int valueBytes, double rate, TimeSpan warmUp, TimeSpan measure, bool raw = false)
    {
        var topic = "latency-" + Stopwatch.GetTimestamp();
        kafka.CreateTopic(topic, partitions);
        var measureFrom = long.MaxValue;
        var latencies = new List<(long Produced, long Latency)>((int)Math.Min(int.MaxValue / 2, (rate * measure.TotalSeconds * 1.1) + 1000));
        var sink = new CountingSink<long>(long.MaxValue, _ => 1, produced =>
        {
            var now = Stopwatch.GetTimestamp();
            if (produced >= Volatile.Read(ref measureFrom))
            {
                lock (latencies)
                {
                    latencies.Add((produced, now - produced));
                }
            }
        });
        // The latency at decode (the job's source stage, on the stream thread) splits the job's share from the
        // producer → broker → client share: stored lock-free, one slot per measured record.
        var atDecode = raw ? [] : new long[latencies.Capacity];
        var decoded = -1;
        var job = StreamJobBuilder.Create(topic)
            .FromSource("input", KafkaConnectors.Source(consumer, Subscriptions.AssignmentWithOffset(
                    Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)).ToArray()), r =>
                {
                    var e = BenchEvent.Decode(r);
                    if (e.Produced >= Volatile.Read(ref measureFrom))
                    {
                        var i = Interlocked.Increment(ref decoded);
                        if (i < atDecode.Length)
                        {
                            atDecode[i] = Stopwatch.GetTimestamp() - e.Produced;
                        }
                    }

                    return e;
                }),
                WatermarkStrategy<BenchEvent>.NoWatermarks())
            .Where(e => BenchEvent.Keep(e.Key))
            .Select(e => e.Produced)
            .To(sink)
            .Build();
        var running = raw ? null : JobRunner.Start(system, job, options);
        using var stopRaw = new CancellationTokenSource();
        var rawReader = !raw ? Task.CompletedTask : Task.Factory.StartNew(() =>
        {
            // The same consumer settings, a raw Consume loop, the same filter and latency computation as the job's sink.
            using var c = new ConsumerBuilder<byte[], byte[]>(RawClients.ConsumerConfig(consumer)).Build();
            c.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
            while (!stopRaw.IsCancellationRequested)
            {
                if (c.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } r)
                {
                    var e = BenchEvent.Decode(r);
                    if (BenchEvent.Keep(e.Key))
                    {
                        var now = Stopwatch.GetTimestamp();
                        if (e.Produced >= Volatile.Read(ref measureFrom))
                        {
                            lock (latencies)
                            {
                                latencies.Add((e.Produced, now - e.Produced));
                            }
                        }
                    }
                }
            }

            c.Close();
        }, TaskCreationOptions.LongRunning);

        long keptMeasured = 0;
        (int Gen0, int Gen1, int Gen2, TimeSpan Paused) gcAtStart = default;
        var achieved = 0.0;
        var produce = Task.Factory.StartNew(() =>
        {
            using var producer = KafkaProducer.CreateProducer(producerSettings);
            var keyBuffers = Enumerable.Range(0, keys).Select(k =>
            {
                var b = new byte[8];
                BenchEvent.WriteKey(b, k);
                return b;
            }).ToArray();
            var value = new byte[Math.Max(8, valueBytes)];
            var start = Stopwatch.GetTimestamp();
            var measureStart = start + (long)(warmUp.TotalSeconds * Stopwatch.Frequency);
            Volatile.Write(ref measureFrom, measureStart);
            var total = warmUp + measure;
            long sent = 0;
            var measuring = false;
            long measureStartSent = 0;
            while (true)
            {
                var elapsed = Stopwatch.GetElapsedTime(start);
                if (elapsed >= total)
                {
                    break;
                }

                var due = (long)(rate * elapsed.TotalSeconds);
                while (sent < due)
                {
                    // Stamped with the time the record was due, not the time Produce ran: a producer that stalls
                    // (GC, a busy core) and then catches up in a burst counts its stall as latency.
                    var dueAt = start + (long)(sent * Stopwatch.Frequency / rate);
                    if (!measuring && dueAt >= measureStart)
                    {
                        measuring = true;
                        measureStartSent = sent;
                        gcAtStart = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration());
                    }

                    var key = (int)((sent * 2_654_435_761L) % keys);
                    if (measuring)
                    {
                        keptMeasured += BenchEvent.Keep(key) ? 1 : 0;
                    }

                    BenchEvent.WriteProduced(value, dueAt);
                    InputTopic.Produce(producer, new TopicPartition(topic, (int)(sent % partitions)), new Message<byte[], byte[]> { Key = keyBuffers[key], Value = value });
                    sent++;
                }

                Thread.Sleep(1);
            }

            achieved = (sent - measureStartSent) / measure.TotalSeconds;
            Console.WriteLine($"  GC while measured: {GC.CollectionCount(0) - gcAtStart.Gen0} gen0, {GC.CollectionCount(1) - gcAtStart.Gen1} gen1, {GC.CollectionCount(2) - gcAtStart.Gen2} gen2 collections, " +
                $"{(GC.GetTotalPauseDuration() - gcAtStart.Paused).TotalMilliseconds:F0} ms paused of {measure.TotalMilliseconds:F0} ms");
            producer.Flush(TimeSpan.FromSeconds(30));
        }, TaskCreationOptions.LongRunning);
        await produce;

        // Let the last records arrive, then stop the job.
        var wait = Stopwatch.StartNew();
        while (wait.Elapsed < TimeSpan.FromSeconds(10) && Volatile.Read(ref keptMeasured) > LatencyCount(latencies))
        {
            await Task.Delay(100);
        }

        if (running is not null)
        {
            await running.StopAsync(TimeSpan.FromSeconds(30));
        }

        await stopRaw.CancelAsync();
        await rawReader;
        long[] sorted;
        lock (latencies)
        {
            sorted = [.. latencies.Select(l => l.Latency)];
            if (latencies.Count > 0)
            {
                // Over time: the p99 of each 2-second slice of produce time shows a growing backlog or periodic stalls.
                var from = latencies.Min(l => l.Produced);
                Console.WriteLine("  p99 by 2 s of produce time (ms): " + string.Join(", ", latencies
                    .GroupBy(l => (l.Produced - from) / (2 * Stopwatch.Frequency))
                    .OrderBy(g => g.Key)
                    .Select(g =>
                    {
                        var slice = g.Select(l => l.Latency).Order().ToList();
                        return PercentileMs(slice, 0.99).ToString("F0", System.Globalization.CultureInfo.InvariantCulture);
                    })));
            }
        }

        Array.Sort(sorted);
        if (!raw && decoded >= 0)
        {
            if (decoded + 1 > atDecode.Length)
            {
                Console.WriteLine($"  at decode: {decoded + 1 - atDecode.Length:N0} records beyond the {atDecode.Length:N0} slots not recorded");
            }

            var d = atDecode[..Math.Min(atDecode.Length, decoded + 1)];
            Array.Sort(d);
            Console.WriteLine($"  at decode (producer → broker → consumer → source stage): p50 {PercentileMs(d, 0.5):F1} ms, p90 {PercentileMs(d, 0.9):F1} ms, p99 {PercentileMs(d, 0.99):F1} ms, max {PercentileMs(d, 1.0):F1} ms");
        }

        return new LatencyResult(rate, achieved, sorted.Length, keptMeasured - sorted.Length,
            PercentileMs(sorted, 0.50), PercentileMs(sorted, 0.90), PercentileMs(sorted, 0.99), PercentileMs(sorted, 0.999), PercentileMs(sorted, 1.0));
    }

    /// <summary>The <paramref name="q"/> quantile of sorted Stopwatch-tick latencies, in milliseconds (NaN when empty).</summary>
    private static double PercentileMs(IReadOnlyList<long> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)(q * sorted.Count))] * 1000.0 / Stopwatch.Frequency;

    private static long LatencyCount(List<(long Produced, long Latency)> latencies)
    {
        lock (latencies)
        {
            return latencies.Count;
        }
    }
}
