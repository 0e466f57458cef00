using Confluent.Kafka;

namespace ActorFlow.TestKit;

/// <summary>
/// A typed topic in a test: produce records (with their event time as the Kafka timestamp, so a job's watermarks
/// follow them), read it to its end, wait until it holds enough records.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
public sealed class TestTopic<T>
{
    private readonly TestTopics _client;

    internal TestTopic(TestTopics client, string name, TopicFormat<T> format)
    {
        _client = client;
        Name = name;
        Format = format;
    }

    /// <summary>Gets the topic's name.</summary>
    public string Name { get; }

    /// <summary>Gets how records look in the topic.</summary>
    public TopicFormat<T> Format { get; }

    /// <summary>Gets the number of partitions of the topic (from the cluster's metadata).</summary>
    /// <exception cref="InvalidOperationException">The topic does not exist.</exception>
    public int PartitionCount => _client.PartitionCount(Name);

    /// <summary>Writes <paramref name="records"/> in order (to the partition of their key) and waits until Kafka has them.</summary>
    /// <param name="records">The records.</param>
    public void Produce(params IEnumerable<T> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        _client.Produce(records.Select(r => ((TopicPartition?)null, Name, Message(r, null))));
    }

    /// <summary>Writes one record to one partition (or the partition of its key) with an explicit Kafka timestamp.</summary>
    /// <param name="record">The record.</param>
    /// <param name="timestamp">Its Kafka timestamp (epoch ms); null takes the format's event time, or the time it is produced.</param>
    /// <param name="partition">The partition; null: the partition of its key.</param>
    public void ProduceTo(T record, long? timestamp = null, int? partition = null) =>
        _client.Produce([(partition is { } p ? new TopicPartition(Name, p) : null, Name, Message(record, timestamp))]);

    /// <summary>
    /// Writes <paramref name="record"/> once to every partition: with a far-future event time it moves every
    /// partition's watermark past all windows and timers before it (an end-of-input marker the job must tolerate).
    /// </summary>
    /// <param name="record">The record.</param>
    public void ProduceToEveryPartition(T record)
    {
        var partitions = PartitionCount;
        _client.Produce(Enumerable.Range(0, partitions).Select(p => ((TopicPartition?)new TopicPartition(Name, p), Name, Message(record, null))));
    }

    /// <summary>Writes raw bytes (e.g. a record the job cannot decode, to test its dead letters).</summary>
    /// <param name="key">The key bytes, or null.</param>
    /// <param name="value">The value bytes, or null.</param>
    /// <param name="partition">The partition; null: the partition of its key.</param>
    public void ProduceRaw(byte[]? key, byte[]? value, int? partition = null) =>
        _client.Produce([(partition is { } p ? new TopicPartition(Name, p) : null, Name, new Message<byte[]?, byte[]?> { Key = key, Value = value })]);

    /// <summary>Every record of the topic, from the beginning of each partition to its end at the time of the call.</summary>
    /// <returns>The records, partition by partition, each in offset order (one partition: the order they were written);
    /// none when the topic does not exist (reading does not create it). A tombstone (null value) reads as the type's
    /// default (null for a class), not decoded; <see cref="ReadRecordsToEnd"/> marks it.</returns>
    /// <exception cref="FormatException">A record cannot be decoded; the message names its partition and offset.</exception>
    public IReadOnlyList<T> ReadToEnd() => [.. ReadRecordsToEnd().Select(r => r.Value)];

    /// <summary>Every record of the topic with partition, offset, timestamp and key (see <see cref="ReadToEnd"/>).</summary>
    /// <returns>The records.</returns>
    public IReadOnlyList<TopicRecord<T>> ReadRecordsToEnd()
    {
        var records = new List<TopicRecord<T>>();
        _client.ReadToEnd(Name, r =>
        {
            if (r.Message.Value is null)
            {
                // A tombstone: nothing to decode (Kafka Streams' test topics read its value as null too).
                records.Add(new TopicRecord<T>(default!, r.Partition.Value, r.Offset.Value, r.Message.Timestamp.UnixTimestampMs, r.Message.Key) { IsTombstone = true });
                return;
            }

            T value;
            try
            {
                value = Format.FromKafka(r!);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new FormatException($"The record at {Name}/{r.Partition.Value} offset {r.Offset.Value} cannot be decoded: {e.Message}", e);
            }

            records.Add(new TopicRecord<T>(value, r.Partition.Value, r.Offset.Value, r.Message.Timestamp.UnixTimestampMs, r.Message.Key));
        });
        return records;
    }

    /// <summary>Waits until the topic holds at least <paramref name="count"/> records and returns them all.</summary>
    /// <param name="count">The number of records awaited.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <returns>Every record of the topic (at least <paramref name="count"/>).</returns>
    /// <exception cref="TimeoutException">Fewer records after <paramref name="timeout"/>; the message says how many.</exception>
    public Task<IReadOnlyList<T>> AwaitCountAsync(int count, TimeSpan timeout) =>
        AwaitAsync(records => records.Count >= count, timeout, $"at least {count} records in '{Name}'");

    /// <summary>Reads the topic to its end every 100 ms until <paramref name="condition"/> holds for its records.</summary>
    /// <param name="condition">The condition on every record of the topic.</param>
    /// <param name="timeout">How long to wait.</param>
    /// <param name="description">What is awaited, for the failure message.</param>
    /// <returns>The records the condition held for.</returns>
    /// <exception cref="TimeoutException">The condition did not hold after <paramref name="timeout"/>; the message gives the record count.</exception>
    public async Task<IReadOnlyList<T>> AwaitAsync(Func<IReadOnlyList<T>, bool> condition, TimeSpan timeout, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        IReadOnlyList<T> last = [];
        await Poll.UntilAsync(
            () =>
            {
                last = ReadToEnd();
                return condition(last);
            },
            timeout,
            () => $"{description ?? $"a condition on '{Name}'"} (the topic holds {last.Count} records)").ConfigureAwait(false);
        return last;
    }

    private Message<byte[]?, byte[]?> Message(T record, long? timestamp)
    {
        var (key, value) = Format.Encode(record);
        var message = new Message<byte[]?, byte[]?> { Key = key, Value = value };
        if ((timestamp ?? Format.Timestamp?.Invoke(record)) is { } ms)
        {
            message.Timestamp = new Timestamp(ms, TimestampType.CreateTime);
        }

        return message;
    }
}
