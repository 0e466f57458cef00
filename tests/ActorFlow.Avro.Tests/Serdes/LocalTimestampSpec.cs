using ActorFlow.Avro.Tests.Records;
using ActorFlow.Avro.Tests.Support;
using ActorFlow.Tests.Shared;
using Avro.Generic;
using Avro.IO;

namespace ActorFlow.Avro.Tests.Serdes;

/// <summary>
/// local-timestamp-millis/-micros are a wall-clock time in no zone: read as a <see cref="DateTime"/> of
/// <see cref="DateTimeKind.Unspecified"/> whose clock reading is the encoded value, written as the value's clock
/// reading, the same bytes and values whatever the host's zone (each test runs under three zones).
/// </summary>
[Collection(HostZoneCollection.Name)]
public sealed class LocalTimestampSpec : IAsyncLifetime
{
    // 2026-03-08 02:30 does not exist in Los Angeles (the clocks jump from 02:00 to 03:00); a wall-clock time still has it.
    private static readonly DateTime[] WallClocks =
    [
        new DateTime(2026, 3, 8, 2, 30, 0, 123, DateTimeKind.Unspecified).AddTicks(4560),
        new DateTime(1969, 12, 31, 23, 59, 59, 999, DateTimeKind.Unspecified).AddTicks(9990),
        new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Unspecified),
        new DateTime(9999, 12, 31, 23, 59, 59, 999, DateTimeKind.Unspecified).AddTicks(9990),
    ];

    private RegistryFixture _registry = null!;

    /// <summary>Gets the host zones each test runs under.</summary>
    public static TheoryData<string> Zones => new("UTC", "Asia/Kolkata", "America/Los_Angeles");

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    /// <summary>Verify that the generic serde writes a local timestamp as its clock reading, whatever its kind, and reads it back unzoned.</summary>
    [Theory]
    [MemberData(nameof(Zones))]
    public void Generic_serde_must_write_and_read_the_wall_clock_time(string zone)
    {
        using var host = HostZone.Use(zone);
        var serde = AvroSerde.Generic(_registry.Client);
        foreach (var clock in WallClocks)
        {
            foreach (var kind in new[] { DateTimeKind.Unspecified, DateTimeKind.Local, DateTimeKind.Utc })
            {
                var record = new GenericRecord((global::Avro.RecordSchema)WallClock._SCHEMA);
                record.Add("localMillis", DateTime.SpecifyKind(clock, kind));
                record.Add("localMicros", DateTime.SpecifyKind(clock, kind));
                record.Add("maybeLocal", DateTime.SpecifyKind(clock, kind));
                record.Add("instantMillis", DateTime.UnixEpoch);
                record.Add("instantMicros", DateTime.UnixEpoch);

                var payload = serde.Serialize(record, "wall-clock");

                Assert.Equal(Encoded(clock), Convert.ToHexString(payload, AvroSerde<GenericRecord>.HeaderLength, payload.Length - AvroSerde<GenericRecord>.HeaderLength));
                var read = serde.Deserialize(payload);
                AssertWallClock(Millis(clock), (DateTime)read["localMillis"]);
                AssertWallClock(Micros(clock), (DateTime)read["localMicros"]);
                AssertWallClock(Millis(clock), (DateTime)read["maybeLocal"]);
            }
        }
    }

    /// <summary>Verify that the specific serde (a generated record) writes a local timestamp as its clock reading and reads it back unzoned.</summary>
    [Theory]
    [MemberData(nameof(Zones))]
    public void Specific_serde_must_write_and_read_the_wall_clock_time(string zone)
    {
        using var host = HostZone.Use(zone);
        var serde = AvroSerde.For<WallClock>(_registry.Client);
        foreach (var clock in WallClocks)
        {
            var record = new WallClock
            {
                localMillis = clock,
                localMicros = clock,
                maybeLocal = clock,
                instantMillis = DateTime.UnixEpoch,
                instantMicros = DateTime.UnixEpoch,
            };

            var payload = serde.Serialize(record, "wall-clock-specific");

            Assert.Equal(Encoded(clock), Convert.ToHexString(payload, AvroSerde<WallClock>.HeaderLength, payload.Length - AvroSerde<WallClock>.HeaderLength));
            var read = serde.Deserialize(payload);
            AssertWallClock(Millis(clock), read.localMillis);
            AssertWallClock(Micros(clock), read.localMicros);
            AssertWallClock(Millis(clock), read.maybeLocal!.Value);
        }
    }

    private static DateTime Millis(DateTime clock) => clock.AddTicks(-(clock.Ticks % TimeSpan.TicksPerMillisecond));

    private static DateTime Micros(DateTime clock) => clock.AddTicks(-(clock.Ticks % TimeSpan.TicksPerMicrosecond));

    private static void AssertWallClock(DateTime expected, DateTime actual)
    {
        Assert.Equal(DateTimeKind.Unspecified, actual.Kind);
        Assert.Equal(expected.Ticks, actual.Ticks);
    }

    // The record's Avro body computed from ticks alone: no zone, no DateTime arithmetic.
    private static string Encoded(DateTime clock)
    {
        var sinceEpoch = clock.Ticks - DateTime.UnixEpoch.Ticks;
        var millis = (long)Math.Floor(sinceEpoch / (decimal)TimeSpan.TicksPerMillisecond);
        var micros = (long)Math.Floor(sinceEpoch / (decimal)TimeSpan.TicksPerMicrosecond);
        using var stream = new MemoryStream();
        var encoder = new BinaryEncoder(stream);
        encoder.WriteLong(millis);
        encoder.WriteLong(micros);
        encoder.WriteUnionIndex(1);
        encoder.WriteLong(millis);
        encoder.WriteLong(0);
        encoder.WriteLong(0);
        encoder.Flush();
        return Convert.ToHexString(stream.ToArray());
    }
}
