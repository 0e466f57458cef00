using ActorFlow.Tests.Shared;
using Avro;
using Avro.Generic;

namespace ActorFlow.Parquet.Tests.Sink;

/// <summary>A local-timestamp field (a wall-clock time) lands as its clock reading, whatever the value's kind and the host's zone.</summary>
[Collection(HostZoneCollection.Name)]
public sealed class AvroLocalTimestampSpec : IDisposable
{
    private const string Schema = """
        {"type":"record","name":"Clock","namespace":"test","fields":[
          {"name":"id","type":"int"},
          {"name":"millis","type":{"type":"long","logicalType":"local-timestamp-millis"}},
          {"name":"micros","type":{"type":"long","logicalType":"local-timestamp-micros"}}
        ]}
        """;

    private readonly TempDirectory _lake = new("actorflow-parquet-avro-local");

    /// <summary>Gets the host zones the test runs under.</summary>
    public static TheoryData<string> Zones => new("UTC", "Asia/Kolkata", "America/Los_Angeles");

    /// <summary>Verify that a local timestamp of any kind lands as the milliseconds or microseconds of its clock reading since 1970-01-01T00:00, under any host zone.</summary>
    [Theory]
    [MemberData(nameof(Zones))]
    public async Task A_local_timestamp_must_land_as_its_clock_reading(string zone)
    {
        using var host = HostZone.Use(zone);
        var schema = (RecordSchema)global::Avro.Schema.Parse(Schema);
        var clock = new DateTime(2026, 3, 8, 2, 30, 0, 123).AddTicks(4567); // does not exist in Los Angeles
        var kinds = new[] { DateTimeKind.Unspecified, DateTimeKind.Local, DateTimeKind.Utc };
        var records = kinds.Select((kind, id) =>
        {
            var record = new GenericRecord(schema);
            record.Add("id", id);
            record.Add("millis", DateTime.SpecifyKind(clock, kind));
            record.Add("micros", DateTime.SpecifyKind(clock, kind));
            return record;
        }).ToArray();
        var sink = ParquetSink.For<GenericRecord>(_lake.Path);
        await SinkFiles.LandAsync(sink, records);

        var rows = DuckDb.Query($"SELECT id, epoch_ms(millis), epoch_us(micros) FROM {DuckDb.Files(_lake.Path)} ORDER BY id");
        Assert.Equal("TIMESTAMP", DuckDb.Types(DuckDb.Files(_lake.Path))["micros"]); // not adjusted to UTC
        Assert.Equal(kinds.Length, rows.Count);
        Assert.All(rows, row => Assert.Equal([1_772_937_000_123L, 1_772_937_000_123_456L], row[1..]));
    }

    public void Dispose() => _lake.Dispose();
}
