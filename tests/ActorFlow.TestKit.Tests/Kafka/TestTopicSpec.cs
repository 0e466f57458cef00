using System.Text;
using ActorFlow.Kafka.Embedded;
using ActorFlow.TestKit.Tests.Jobs;

namespace ActorFlow.TestKit.Tests.Kafka;

public sealed class TestTopicSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["clicks"] = 3, ["empty"] = 2 } });
    private readonly TestTopics _topics;

    public TestTopicSpec() => _topics = new TestTopics(_kafka.BootstrapServers, TimeSpan.FromSeconds(20));

    /// <summary>Verify that produced records are read back from every partition, each partition in the order written, with the format's event time as Kafka timestamp.</summary>
    [Fact]
    public void ReadToEnd_must_return_every_record_of_every_partition_with_its_event_time()
    {
        var clicks = _topics.Topic("clicks", ClickJob.KeyedFormat);
        var input = ClickJob.Clicks(300, seed: 1);
        clicks.Produce(input);

        var records = clicks.ReadRecordsToEnd();

        OutputAssert.Equivalent(input, records.Select(r => r.Value));
        Assert.All(records, r => Assert.Equal(r.Value.Time, r.Timestamp));
        foreach (var partition in records.GroupBy(r => r.Partition))
        {
            // One user's clicks share a partition and keep the order they were produced in.
            OutputAssert.Ordered(partition.Select(r => r.Offset).Order(), partition.Select(r => r.Offset));
            foreach (var user in partition.GroupBy(r => r.Value.User))
            {
                OutputAssert.Ordered(input.Where(c => c.User == user.Key), user.Select(r => r.Value));
            }
        }

        Assert.Equal(3, records.Select(r => r.Partition).Distinct().Count());
    }

    /// <summary>Verify that an empty topic reads as empty at once and that a marker reaches every partition.</summary>
    [Fact]
    public void ProduceToEveryPartition_must_write_one_record_to_each_partition()
    {
        var empty = _topics.Topic("empty", TopicFormat.Utf8);
        Assert.Empty(empty.ReadToEnd());

        empty.ProduceToEveryPartition("end");

        Assert.Equal([0, 1], empty.ReadRecordsToEnd().Select(r => r.Partition).Order());
    }

    /// <summary>Verify that a record the format cannot decode fails the read with its partition and offset.</summary>
    [Fact]
    public void ReadToEnd_must_name_the_position_of_an_undecodable_record()
    {
        var clicks = _topics.Topic("clicks", ClickJob.KeyedFormat);
        clicks.ProduceRaw(Encoding.UTF8.GetBytes("u"), Encoding.UTF8.GetBytes("not-a-number"), partition: 2);

        var error = Assert.Throws<FormatException>(() => clicks.ReadToEnd());

        Assert.Contains("clicks/2 offset 0", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that a topic that does not exist reads as empty and is not created by reading, while producing to every partition of it fails naming it.</summary>
    [Fact]
    public void A_missing_topic_must_read_as_empty_without_being_created()
    {
        var nope = _topics.Topic("nope", TopicFormat.Utf8);

        Assert.Empty(nope.ReadToEnd());
        Assert.Empty(nope.ReadToEnd());
        var error = Assert.Throws<InvalidOperationException>(() => nope.ProduceToEveryPartition("end"));
        Assert.Contains("'nope' does not exist", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that AwaitCountAsync returns once enough records are there, and times out naming the topic and its count otherwise.</summary>
    [Fact]
    public async Task AwaitCountAsync_must_wait_for_the_records_or_say_how_many_there_are()
    {
        var empty = _topics.Topic("empty", TopicFormat.Utf8);
        empty.Produce("a", "b");

        Assert.Equal(["a", "b"], (await empty.AwaitCountAsync(2, TimeSpan.FromSeconds(10))).Order(StringComparer.Ordinal));
        var error = await Assert.ThrowsAsync<TimeoutException>(() => empty.AwaitCountAsync(3, TimeSpan.FromMilliseconds(300)));
        Assert.Contains("at least 3 records in 'empty' (the topic holds 2 records)", error.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _topics.Dispose();
        _kafka.Dispose();
    }
}
