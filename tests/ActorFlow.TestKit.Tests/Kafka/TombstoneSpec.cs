using System.Text;
using ActorFlow.Kafka.Embedded;
using Confluent.Kafka;

namespace ActorFlow.TestKit.Tests.Kafka;

/// <summary>
/// A tombstone (a record with a null value, a deletion in a compacted topic) reads back as one: its value is the type's
/// default (null), not decoded, and the record says it is a tombstone. It read as an empty value (<c>""</c> through
/// <c>TopicFormat.Utf8</c>), so a test could not tell a job's deletion from an empty string, and a format that cannot
/// decode empty bytes (Avro) failed the read (found by a review porting Kafka Streams tests).
/// </summary>
public sealed class TombstoneSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["table"] = 1 } });

    /// <summary>Verify that a tombstone and an empty value read apart, and that a format that cannot decode empty bytes still reads the tombstone.</summary>
    [Fact]
    public void A_tombstone_must_read_as_null_and_be_marked()
    {
        using var topics = new TestTopics(_kafka.BootstrapServers, TimeSpan.FromSeconds(20));
        var table = topics.Topic("table", TopicFormat.Utf8);
        table.ProduceRaw("a"u8.ToArray(), "1"u8.ToArray());
        table.ProduceRaw("a"u8.ToArray(), null);
        table.ProduceRaw("b"u8.ToArray(), []);

        var records = table.ReadRecordsToEnd();

        Assert.Equal(["1", null, ""], records.Select(r => r.Value));
        Assert.Equal([false, true, false], records.Select(r => r.IsTombstone));
        Assert.Equal("a", Encoding.UTF8.GetString(records[1].Key!));
        var numbers = topics.Topic("table", TopicFormat.Int64Text());
        Assert.Throws<FormatException>(() => numbers.ReadToEnd()); // "" is no number; the tombstone alone would read
    }

    /// <summary>
    /// Verify that a job source's decoder (<see cref="TopicFormat{T}.FromKafka"/>) reads a tombstone as null too, and refuses
    /// one into a value type, naming it (it read the text format's "" and failed a number's parse).
    /// </summary>
    [Fact]
    public void A_tombstone_must_decode_as_null_in_a_job_source()
    {
        static ConsumeResult<byte[], byte[]> Record(byte[]? value) => new()
        {
            Topic = "table",
            Partition = 0,
            Offset = 7,
            Message = new Message<byte[], byte[]> { Key = "a"u8.ToArray(), Value = value! },
        };

        Assert.Null(TopicFormat.Utf8.FromKafka(Record(null)));
        Assert.Equal("", TopicFormat.Utf8.FromKafka(Record([])));
        var e = Assert.Throws<InvalidDataException>(() => TopicFormat.Int64Text().FromKafka(Record(null)));
        Assert.Contains("tombstone", e.Message, StringComparison.Ordinal);
        Assert.Contains("Int64", e.Message, StringComparison.Ordinal);

        // A serde's format hands the null payload to the serde, which decides (the serdes give the type's default).
        var serde = new TombstoneAware();
        Assert.Equal(-1, TopicFormat.Serde<long>(serde, serde, "table").FromKafka(Record(null)));
    }

    /// <summary>Reads a null payload as -1 and any other as its length.</summary>
    private sealed class TombstoneAware : ActorFlow.Avro.IRecordSerializer<long>, ActorFlow.Avro.IRecordDeserializer<long>
    {
        public long Deserialize(byte[]? payload, string? topic = null, int partition = -1, long offset = -1) => payload?.Length ?? -1;

        public byte[] Serialize(long value, string topic, bool isKey = false) => new byte[value];
    }

    public void Dispose() => _kafka.Dispose();
}
