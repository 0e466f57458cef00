using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Producer;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators;
using ActorFlow.Topology.Connectors;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using static ActorFlow.Kafka.Tests.Producer.ProducerSpecSupport;

namespace ActorFlow.Kafka.Tests.Connectors;

/// <summary>
/// The job-side entry of the Kafka sink (<see cref="IBatchSinkConnector{T}"/>): a job batch's records arrive as one
/// element and are produced in order, with the plain sink's back-pressure, delivery checks and failures.
/// </summary>
public sealed class BatchSinkSpec : Akka.TestKit.Xunit2.TestKit
{
    private const long Base = 1_700_000_000_000;
    private readonly IMaterializer _materializer;
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["t"] = 2 } });

    public BatchSinkSpec()
    {
        _materializer = Sys.Materializer();
    }

    /// <summary>Verify that the records of batches larger than the sink's parallelism all arrive, in order per partition.</summary>
    [Fact]
    public async Task A_Kafka_batch_sink_must_write_every_batch_in_order_past_its_parallelism()
    {
        var batches = Batches(7, 1, 10, 3);

        await Source.From(batches).RunWith(BatchSink(Settings().WithParallelism(3)), _materializer).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(Enumerable.Range(0, 21).Select(i => "v" + i), ValuesOf(partition: 0));
    }

    /// <summary>Verify that a record the client's full queue refused is produced again, in its place, and the rest follow.</summary>
    [Fact]
    public async Task A_Kafka_batch_sink_must_retry_a_record_the_full_client_queue_refused()
    {
        var settings = Settings().WithProperty("queue.buffering.max.messages", "2").WithProperty("linger.ms", "20");

        await Source.From(Batches(40, 40)).RunWith(BatchSink(settings), _materializer).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(Enumerable.Range(0, 80).Select(i => "v" + i), ValuesOf(partition: 0));
    }

    /// <summary>Verify that a record the client rejects at once (an unknown partition) fails the sink's task naming topic and partition.</summary>
    [Fact]
    public async Task A_Kafka_batch_sink_must_fail_when_a_record_is_rejected()
    {
        var sink = ((IBatchSinkConnector<int>)KafkaConnectors.Sink<int>(Settings(), i => Record(i, i == 5 ? 9 : 0))).BatchSink();

        var failure = await Assert.ThrowsAsync<KafkaException>(() => Source.Single(Stamped([.. Enumerable.Range(0, 10)])).RunWith(sink, _materializer));

        Assert.Contains("t [9]", failure.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.Local_UnknownPartition, failure.Error.Code);
    }

    /// <summary>Verify that a failed delivery report (the broker unreachable past the message timeout) fails the sink's task.</summary>
    [Fact]
    public async Task A_Kafka_batch_sink_must_fail_when_a_delivery_fails()
    {
        _kafka.SetBrokerDown(1);
        var settings = Settings().WithProperty("message.timeout.ms", "500");

        var failure = await Assert.ThrowsAsync<KafkaException>(() => Source.From(Batches(5)).RunWith(BatchSink(settings), _materializer).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal(ErrorCode.Local_MsgTimedOut, failure.Error.Code);
        Assert.Contains("t [0]", failure.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that an encoder that throws fails the sink's task with its exception, as a failure upstream of the record sink does.</summary>
    [Fact]
    public async Task A_Kafka_batch_sink_must_fail_with_the_error_of_its_encoder()
    {
        var sink = ((IBatchSinkConnector<int>)KafkaConnectors.Sink<int>(Settings(), i => i == 3 ? throw new InvalidOperationException("three") : Record(i, 0))).BatchSink();

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => Source.Single(Stamped([0, 1, 2, 3, 4])).RunWith(sink, _materializer).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Equal("three", failure.Message);
    }

    /// <summary>
    /// Verify that the key-and-value sink writes each record's own key (a null key included) and value, with no
    /// headers, although it refills one message for all of them.
    /// </summary>
    [Fact]
    public async Task A_Kafka_key_value_batch_sink_must_write_each_records_own_key_and_value()
    {
        var connector = (IBatchSinkConnector<int>)KafkaConnectors.Sink<int>(Settings(), "t", i => (i % 3 == 0 ? null : Encoding.UTF8.GetBytes("k" + i), Encoding.UTF8.GetBytes("v" + i)));

        await Source.From(Batches(4, 5)).RunWith(connector.BatchSink(), _materializer).WaitAsync(TimeSpan.FromSeconds(30));

        var read = ReadAll(_kafka.BootstrapServers, "t", 2);
        List<(string? Key, string Value)> expected = [.. Enumerable.Range(0, 9).Select(i => (i % 3 == 0 ? null : "k" + i, "v" + i)).OrderBy(r => r.Item2, StringComparer.Ordinal)];
        List<(string? Key, string Value)> written = [.. read.Select(r => ((string?)r.Message.Key, r.Message.Value)).OrderBy(r => r.Value, StringComparer.Ordinal)];
        Assert.Equal(expected, written);
        Assert.All(read, r => Assert.Empty(r.Message.Headers));
        Assert.All(read, r => Assert.Equal((r.Message.Value, Base + int.Parse(r.Message.Value[1..], CultureInfo.InvariantCulture), TimestampType.CreateTime), (r.Message.Value, r.Message.Timestamp.UnixTimestampMs, r.Message.Timestamp.Type)));
    }

    /// <summary>
    /// Verify that each record goes out with its event timestamp as Kafka timestamp (as Flink's KafkaSink), that a record
    /// without one, or with one Kafka cannot hold (the end of time, before the epoch), gets the producer's clock, and that a
    /// timestamp the encoder set on the message itself is kept.
    /// </summary>
    [Fact]
    public async Task A_Kafka_batch_sink_must_write_event_timestamps_as_Kafka_timestamps()
    {
        var before = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        var sink = ((IBatchSinkConnector<int>)KafkaConnectors.Sink<int>(Settings(), i =>
        {
            var record = Record(i, 0);
            if (i == 2)
            {
                record.Message.Timestamp = new Timestamp(42, TimestampType.CreateTime); // the encoder's own
            }

            return record;
        })).BatchSink();

        await Source.Single<IReadOnlyList<TimestampedValue<int>>>([new(0, Base), new(1, Timestamps.NoTimestamp), new(2, Base + 2), new(3, long.MaxValue), new(4, -5)]).RunWith(sink, _materializer).WaitAsync(TimeSpan.FromSeconds(30));

        var read = ReadAll(_kafka.BootstrapServers, "t", 2).OrderBy(r => r.Offset.Value).Select(r => r.Message.Timestamp).ToList();
        var after = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Equal(5, read.Count);
        Assert.Equal(Base, read[0].UnixTimestampMs);
        Assert.InRange(read[1].UnixTimestampMs, before, after);
        Assert.Equal(42, read[2].UnixTimestampMs);
        Assert.InRange(read[3].UnixTimestampMs, before, after); // a global window's end of time: the producer's clock
        Assert.InRange(read[4].UnixTimestampMs, before, after);
        Assert.All(read, t => Assert.Equal(TimestampType.CreateTime, t.Type));
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        _kafka.Dispose();
    }

    /// <summary>Consecutive numbers from 0, cut into lists of the given sizes, each number with event timestamp <see cref="Base"/> + it.</summary>
    /// <summary>
    /// Verify that a checkpoint's flush of a sink connector covers every running stage it backs: one connector instance
    /// behind two sinks (of one job, or two) had only its last started stage flushed, so the other's records, lingering in
    /// their client, were not at the broker when the flush returned.
    /// </summary>
    [Fact]
    public async Task A_Kafka_sink_flush_must_cover_every_running_stage_of_its_connector()
    {
        var settings = Settings().WithProperty("linger.ms", "30000").WithProperty("message.timeout.ms", "120000");
        var connector = (IFlushingSinkConnector<int>)KafkaConnectors.Sink<int>(settings, "t", i => (null, Encoding.UTF8.GetBytes("v" + i)));
        var passed = new int[2];
        for (var stage = 0; stage < 2; stage++)
        {
            var index = stage;

            // Two batches and a source that stays open: the second batch passes the counter only once the stage took the first.
            List<IReadOnlyList<TimestampedValue<int>>> batches = [.. Batches(3, 1).Select(b => Stamped([.. b.Select(v => v.Value + (10 * index))]))];
            _ = Source.From(batches)
                .Concat(Source.Maybe<IReadOnlyList<TimestampedValue<int>>>().MapMaterializedValue(_ => NotUsed.Instance))
                .Select(batch =>
                {
                    Interlocked.Increment(ref passed[index]);
                    return batch;
                })
                .RunWith(connector.BatchSink(), _materializer);
        }

        await AwaitConditionAsync(() => Task.FromResult(Volatile.Read(ref passed[0]) == 2 && Volatile.Read(ref passed[1]) == 2), TimeSpan.FromSeconds(20));
        await connector.FlushAsync(CancellationToken.None);

        var values = ReadAll(_kafka.BootstrapServers, "t", 2).Select(r => r.Message.Value).ToHashSet(StringComparer.Ordinal);
        Assert.Superset(new HashSet<string>(["v0", "v1", "v2", "v10", "v11", "v12"], StringComparer.Ordinal), values);
    }

    private static List<IReadOnlyList<TimestampedValue<int>>> Batches(params int[] sizes)
    {
        var batches = new List<IReadOnlyList<TimestampedValue<int>>>();
        var next = 0;
        foreach (var size in sizes)
        {
            batches.Add(Stamped([.. Enumerable.Range(next, size)]));
            next += size;
        }

        return batches;
    }

    private static IReadOnlyList<TimestampedValue<int>> Stamped(int[] values) => [.. values.Select(i => new TimestampedValue<int>(i, Base + i))];

    private static ProducerRecord<byte[], byte[]> Record(int i, int partition) =>
        new("t", new Partition(partition), new Message<byte[], byte[]> { Key = Encoding.UTF8.GetBytes("k"), Value = Encoding.UTF8.GetBytes("v" + i) });

    private static Sink<IReadOnlyList<TimestampedValue<int>>, Task<Done>> BatchSink(ProducerSettings<byte[], byte[]> settings) =>
        ((IBatchSinkConnector<int>)KafkaConnectors.Sink<int>(settings, i => Record(i, 0))).BatchSink();

    private ProducerSettings<byte[], byte[]> Settings() =>
        ProducerSettings<byte[], byte[]>.Create(Sys, null, null).WithBootstrapServers(_kafka.BootstrapServers);

    private List<string> ValuesOf(int partition) =>
        [.. ReadAll(_kafka.BootstrapServers, "t", 2).Where(r => r.Partition.Value == partition).OrderBy(r => r.Offset.Value).Select(r => r.Message.Value)];
}
