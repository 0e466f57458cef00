using ActorFlow.Parquet.Tests.Sink;
using ActorFlow.Tests.Shared;
using Avro;
using Avro.Generic;
using Avro.IO;
using Avro.Specific;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>
/// The file source reads Parquet rows as Avro records (generic or specific): what the sink landed from Avro records
/// reads back as it was, evolved reader schemas resolve by name with defaults, and files of another writer (DuckDB)
/// read by the same mapping.
/// </summary>
public sealed class AvroReadSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-avro-read");

    /// <summary>
    /// Verify that Avro records with every construct the sink maps (uuid, decimal, timestamp-millis, date, a nullable
    /// string with nulls, a nested record, an array, a map, an enum) land and read back with the same schema to records
    /// whose Avro binary encoding equals the originals', byte for byte.
    /// </summary>
    [Fact]
    public async Task Landed_avro_records_must_read_back_as_they_were_written()
    {
        var schema = (RecordSchema)Schema.Parse(AvroMappingSpec.Schema);
        var records = Enumerable.Range(0, 12).Select(i => AvroMappingSpec.Payment(schema, i)).ToList();
        await SinkFiles.LandAsync(ParquetSink.For<GenericRecord>(_lake.Path, new ParquetSinkOptions<GenericRecord> { RowGroupSize = 5 }), records);

        var read = await SourceRun.AllAsync(Sys, ParquetSource.ForAvro(_lake.Path, schema, new ParquetSourceOptions<GenericRecord> { Timestamp = r => new DateTimeOffset((DateTime)r["at"]).ToUnixTimeMilliseconds() }));
        var back = read.OrderBy(r => (int)r.Value!["count"]).ToList();
        Assert.Equal(12, back.Count);
        for (var i = 0; i < records.Count; i++)
        {
            Assert.Equal(Encode(schema, records[i]), Encode(schema, back[i].Value!));
            Assert.Equal(1_795_000_000_000L + (i * 1000), back[i].Timestamp);
        }

        Assert.Null(back[1].Value!["note"]);
        Assert.Equal("note 2", back[2].Value!["note"]);
        Assert.Equal(new AvroDecimal(3.75m), back[3].Value!["amount"]);
        Assert.Equal(DateTimeKind.Utc, ((DateTime)back[3].Value!["at"]).Kind);
    }

    /// <summary>
    /// Verify that files of an older writer schema read with a newer reader schema: a field the files lack takes its
    /// default (string, nullable null, int, enum), a column the reader lacks is dropped, an int column widens to a
    /// long field; and that a reader field without a default the files lack fails the file naming it (or, with
    /// <see cref="BadFileAction.Skip"/>, skips and reports it).
    /// </summary>
    [Fact]
    public async Task An_evolved_reader_schema_must_resolve_old_files_by_name_with_defaults()
    {
        const string V1 = """{"type":"record","name":"Click","fields":[{"name":"user","type":"string"},{"name":"n","type":"int"},{"name":"gone","type":"string"}]}""";
        const string V2 = """
            {"type":"record","name":"Click","fields":[
              {"name":"user","type":"string"},{"name":"n","type":"long"},
              {"name":"page","type":"string","default":"home"},{"name":"ref","type":["null","string"],"default":null},
              {"name":"weight","type":"int","default":7},
              {"name":"kind","type":{"type":"enum","name":"Kind","symbols":["A","B"]},"default":"B"}]}
            """;
        var v1 = (RecordSchema)Schema.Parse(V1);
        var old = Enumerable.Range(0, 6).Select(i =>
        {
            var r = new GenericRecord(v1);
            r.Add("user", "u" + i);
            r.Add("n", i * 10);
            r.Add("gone", "x");
            return r;
        }).ToList();
        await SinkFiles.LandAsync(ParquetSink.For<GenericRecord>(_lake.Path), old);

        var v2 = (RecordSchema)Schema.Parse(V2);
        var read = (await SourceRun.AllAsync(Sys, ParquetSource.ForAvro(_lake.Path, v2))).Select(r => r.Value!).OrderBy(r => (string)r["user"], StringComparer.Ordinal).ToList();
        Assert.Equal(6, read.Count);
        Assert.Equal(30L, read[3]["n"]);
        Assert.Equal("home", read[3]["page"]);
        Assert.Null(read[3]["ref"]);
        Assert.Equal(7, read[3]["weight"]);
        Assert.Equal("B", ((GenericEnum)read[3]["kind"]).Value);
        Assert.False(read[3].TryGetValue("gone", out _));

        var strict = (RecordSchema)Schema.Parse("""{"type":"record","name":"Click","fields":[{"name":"user","type":"string"},{"name":"page","type":"string"}]}""");
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => SourceRun.AllAsync(Sys, ParquetSource.ForAvro(_lake.Path, strict)));
        Assert.Contains("'page'", error.Message, StringComparison.Ordinal);
        Assert.Contains("no default", error.Message, StringComparison.Ordinal);
        Assert.Contains(SinkFiles.Final(_lake.Path)[0], error.Message, StringComparison.Ordinal);

        var skipped = new List<string>();
        var skipping = ParquetSource.ForAvro(_lake.Path, strict, new ParquetSourceOptions<GenericRecord> { OnBadFileAction = BadFileAction.Skip, OnBadFile = (path, _) => skipped.Add(path) });
        Assert.Empty(await SourceRun.AllAsync(Sys, skipping));
        Assert.Equal(SinkFiles.Final(_lake.Path), skipped);
        Assert.Equal(1, skipping.Metrics.FilesSkipped);
    }

    /// <summary>
    /// Verify that a file written by DuckDB (TIMESTAMP, TIMESTAMPTZ, DATE, DECIMAL, UUID, a struct, a list, a map,
    /// nulls) reads as Avro records of a matching schema with DuckDB's values, and that a null in a field whose schema
    /// does not allow null makes the file bad, naming the field.
    /// </summary>
    [Fact]
    public async Task A_file_of_another_writer_must_read_with_its_values()
    {
        var file = Path.Combine(_lake.Path, "duck.parquet");
        DuckDb.Query($$"""
            COPY (SELECT i::INTEGER AS id, 'k' || i AS key, CASE WHEN i % 2 = 0 THEN NULL ELSE 'n' || i END AS note,
                         TIMESTAMPTZ '2026-11-25 13:00:00+00' + to_seconds(i) AS at, TIMESTAMP '2026-11-25 13:00:00' + to_seconds(i) AS local_at,
                         DATE '2026-11-25' + i::INTEGER AS day, (i * 1.5)::DECIMAL(10, 2) AS amount,
                         ('00000000-0000-0000-0000-00000000000' || i)::UUID AS uid, {'brand': 'VISA', 'last4': i} AS card, [i, i + 1] AS pair, MAP {'a': i} AS m
                  FROM range(0, 4) t(i)) TO '{{file}}' (FORMAT PARQUET)
            """);
        var schema = (RecordSchema)Schema.Parse("""
            {"type":"record","name":"Row","fields":[
              {"name":"id","type":"long"},{"name":"key","type":"string"},{"name":"note","type":["null","string"]},
              {"name":"at","type":{"type":"long","logicalType":"timestamp-micros"}},
              {"name":"local_at","type":{"type":"long","logicalType":"timestamp-millis"}},
              {"name":"day","type":{"type":"int","logicalType":"date"}},
              {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":10,"scale":2}},
              {"name":"uid","type":{"type":"string","logicalType":"uuid"}},
              {"name":"card","type":{"type":"record","name":"Card","fields":[{"name":"brand","type":"string"},{"name":"last4","type":"long"}]}},
              {"name":"pair","type":{"type":"array","items":"long"}},
              {"name":"m","type":{"type":"map","values":"long"}}]}
            """);
        var rows = (await SourceRun.AllAsync(Sys, ParquetSource.ForAvro(file, schema))).Select(r => r.Value!).OrderBy(r => (long)r["id"]).ToList();
        Assert.Equal(4, rows.Count);
        var three = rows[3];
        Assert.Equal("k3", three["key"]);
        Assert.Equal("n3", three["note"]);
        Assert.Null(rows[2]["note"]);
        Assert.Equal(new DateTime(2026, 11, 25, 13, 0, 3, DateTimeKind.Utc), three["at"]);
        Assert.Equal(DateTimeKind.Utc, ((DateTime)three["at"]).Kind);
        Assert.Equal(new DateTime(2026, 11, 25, 13, 0, 3, DateTimeKind.Utc), three["local_at"]);
        Assert.Equal(new DateTime(2026, 11, 28, 0, 0, 0, DateTimeKind.Utc), three["day"]);
        Assert.Equal(new AvroDecimal(4.50m), three["amount"]);
        Assert.Equal(Guid.Parse("00000000-0000-0000-0000-000000000003"), three["uid"]);
        Assert.Equal("VISA", ((GenericRecord)three["card"])["brand"]);
        Assert.Equal(3L, ((GenericRecord)three["card"])["last4"]);
        Assert.Equal(new object[] { 3L, 4L }, (object[])three["pair"]);
        Assert.Equal(3L, ((IDictionary<string, object>)three["m"])["a"]);
        // The records encode with their schema (every value of the type Avro expects).
        Assert.All(rows, r => Encode(schema, r));

        var strict = (RecordSchema)Schema.Parse("""{"type":"record","name":"Row","fields":[{"name":"id","type":"long"},{"name":"note","type":"string"}]}""");
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => SourceRun.AllAsync(Sys, ParquetSource.ForAvro(file, strict)));
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
        Assert.Contains("Row.note", error.Message, StringComparison.Ordinal);
        Assert.Contains("null", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Verify that specific records (a class generated from an Avro schema) read back with the fields the class
    /// expects: its enum, its list, its timestamp, its nullable string.
    /// </summary>
    [Fact]
    public async Task Landed_records_must_read_back_as_specific_records()
    {
        var records = Enumerable.Range(0, 5).Select(i => new Visit
        {
            User = "u" + i,
            At = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000L + i).UtcDateTime,
            Pages = ["p" + i, "q"],
            Kind = i % 2 == 0 ? VisitKind.NEW : VisitKind.RETURNING,
            Referrer = i == 2 ? null : "r" + i,
        }).ToList();
        await SinkFiles.LandAsync(ParquetSink.For<Visit>(_lake.Path), records);

        var read = (await SourceRun.AllAsync(Sys, ParquetSource.ForSpecificAvro<Visit>(_lake.Path))).Select(r => r.Value!).OrderBy(v => v.User, StringComparer.Ordinal).ToList();
        Assert.Equal(records.Select(Text), read.Select(Text));
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

    private static string Text(Visit v) => $"{v.User}|{v.At:o}|{v.At.Kind}|{string.Join(",", v.Pages)}|{v.Kind}|{v.Referrer ?? "null"}";

    private static byte[] Encode(RecordSchema schema, GenericRecord record)
    {
        using var buffer = new MemoryStream();
        new GenericDatumWriter<GenericRecord>(schema).Write(record, new BinaryEncoder(buffer));
        return buffer.ToArray();
    }
}

/// <summary>The values of <see cref="Visit.Kind"/>.</summary>
#pragma warning disable CA1707 // Avro enum symbols
public enum VisitKind
{
    NEW,
    RETURNING,
}
#pragma warning restore CA1707

/// <summary>A specific record, as Avro's code generator writes one.</summary>
public sealed class Visit : ISpecificRecord
{
    public static readonly Schema AvroSchema = Schema.Parse("""
            {"type":"record","name":"Visit","namespace":"ActorFlow.Parquet.Tests.Source","fields":[
              {"name":"User","type":"string"},{"name":"At","type":{"type":"long","logicalType":"timestamp-millis"}},
              {"name":"Pages","type":{"type":"array","items":"string"}},
              {"name":"Kind","type":{"type":"enum","name":"VisitKind","namespace":"ActorFlow.Parquet.Tests.Source","symbols":["NEW","RETURNING"]}},
              {"name":"Referrer","type":["null","string"],"default":null}]}
            """);

    public Schema Schema => AvroSchema;

    public string User { get; set; } = "";

    public DateTime At { get; set; }

    public IList<string> Pages { get; set; } = [];

    public VisitKind Kind { get; set; }

    public string? Referrer { get; set; }

    public object? Get(int fieldPos) => fieldPos switch
    {
        0 => User,
        1 => At,
        2 => Pages,
        3 => Kind,
        4 => Referrer,
        _ => throw new AvroRuntimeException("Bad index " + fieldPos),
    };

    public void Put(int fieldPos, object fieldValue)
    {
        switch (fieldPos)
        {
            case 0: User = (string)fieldValue; break;
            case 1: At = (DateTime)fieldValue; break;
            case 2: Pages = (IList<string>)fieldValue; break;
            case 3: Kind = (VisitKind)fieldValue; break;
            case 4: Referrer = (string?)fieldValue; break;
            default: throw new AvroRuntimeException("Bad index " + fieldPos);
        }
    }
}
