using ActorFlow.Avro.Tests.Records;
using ActorFlow.Avro.Tests.Support;
using Avro.Generic;
using Avro.IO;

namespace ActorFlow.Avro.Tests.Serdes;

/// <summary>timestamp-millis/-micros are written exactly, in integer arithmetic, over the whole range of a <see cref="DateTime"/>.</summary>
public sealed class InstantTimestampSpec : IAsyncLifetime
{
    private RegistryFixture _registry = null!;

    /// <summary>Gets instants far from 1970 with odd milliseconds and microseconds.</summary>
    public static TheoryData<long> Ticks => new(
        new DateTime(1, 1, 1, 0, 0, 0, 1, DateTimeKind.Utc).AddTicks(10).Ticks,
        new DateTime(2500, 7, 1, 12, 0, 0, 999, DateTimeKind.Utc).AddTicks(9990).Ticks,
        new DateTime(2500, 7, 1, 12, 0, 0, 3, DateTimeKind.Utc).Ticks,
        new DateTime(9999, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc).AddTicks(9990).Ticks,
        new DateTime(1500, 3, 1, 0, 0, 0, 7, DateTimeKind.Utc).AddTicks(70).Ticks);

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    /// <summary>Verify that the generic and the specific serde write an instant as its exact milliseconds and microseconds since the epoch, and read them back.</summary>
    [Theory]
    [MemberData(nameof(Ticks))]
    public void An_instant_far_from_1970_must_be_written_exactly(long ticks)
    {
        var instant = new DateTime(ticks, DateTimeKind.Utc);
        var sinceEpoch = ticks - DateTime.UnixEpoch.Ticks;
        var millis = (long)Math.Floor(sinceEpoch / (decimal)TimeSpan.TicksPerMillisecond); // towards the past, as Java's Instant.toEpochMilli
        var expected = Encoded(millis, sinceEpoch / TimeSpan.TicksPerMicrosecond);
        var record = new WallClock { localMillis = DateTime.UnixEpoch, localMicros = DateTime.UnixEpoch, instantMillis = instant, instantMicros = instant };
        var generic = new GenericRecord((global::Avro.RecordSchema)WallClock._SCHEMA);
        foreach (var field in WallClock._SCHEMA is global::Avro.RecordSchema s ? s.Fields : [])
        {
            generic.Add(field.Name, record.Get(field.Pos));
        }

        var specific = AvroSerde.For<WallClock>(_registry.Client).Serialize(record, "instants");
        var untyped = AvroSerde.Generic(_registry.Client).Serialize(generic, "instants-generic");

        Assert.Equal(expected, Convert.ToHexString(specific, AvroSerde<WallClock>.HeaderLength, specific.Length - AvroSerde<WallClock>.HeaderLength));
        Assert.Equal(expected, Convert.ToHexString(untyped, AvroSerde<GenericRecord>.HeaderLength, untyped.Length - AvroSerde<GenericRecord>.HeaderLength));
        var read = AvroSerde.For<WallClock>(_registry.Client).Deserialize(specific);
        Assert.Equal(DateTime.UnixEpoch.AddTicks(millis * TimeSpan.TicksPerMillisecond), read.instantMillis);
        Assert.Equal(instant, read.instantMicros);
    }

    private static string Encoded(long millis, long micros)
    {
        using var stream = new MemoryStream();
        var encoder = new BinaryEncoder(stream);
        encoder.WriteLong(0);
        encoder.WriteLong(0);
        encoder.WriteUnionIndex(0);
        encoder.WriteLong(millis);
        encoder.WriteLong(micros);
        encoder.Flush();
        return Convert.ToHexString(stream.ToArray());
    }
}
