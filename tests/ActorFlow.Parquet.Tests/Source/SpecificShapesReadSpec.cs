using ActorFlow.Parquet.Tests.Sink;
using ActorFlow.Tests.Shared;
using Avro;
using Avro.Specific;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>
/// Specific records whose shapes Apache.Avro's specific reader cannot read (an array of maps, a decimal over fixed, an
/// array of nullable enums) land and read back through <see cref="ParquetSource.ForSpecificAvro{T}"/> as they were
/// written: the rows go through Apache.Avro's generic reader and a conversion into the class, as the Kafka serdes read
/// generated records (that reader threw on the first two and failed to cast the third).
/// </summary>
public sealed class SpecificShapesReadSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-specific-shapes");

    /// <summary>Verify that every field reads back with the value and the type the class declares.</summary>
    [Fact]
    public async Task Specific_records_of_every_shape_must_read_back_as_written()
    {
        var records = Enumerable.Range(0, 4).Select(i => new Basket
        {
            Id = i,
            Counts = i == 1 ? [] : [new Dictionary<string, int> { ["a"] = i, ["b"] = -i }, new Dictionary<string, int>()],
            Moods = [Mood.CALM, null, i % 2 == 0 ? Mood.SAD : Mood.CALM],
            Price = new AvroDecimal(decimal.Parse($"{i}12345.67", System.Globalization.CultureInfo.InvariantCulture) * (i == 3 ? -1 : 1)),
        }).ToList();
        await SinkFiles.LandAsync(ParquetSink.For<Basket>(_lake.Path), records);

        var read = (await SourceRun.AllAsync(Sys, ParquetSource.ForSpecificAvro<Basket>(_lake.Path))).Select(r => r.Value!).OrderBy(b => b.Id).ToList();

        Assert.Equal(records.Select(Text), read.Select(Text));
        Assert.IsType<List<Mood?>>(read[0].Moods);
        Assert.Equal(2, read[0].Price.Scale);
    }

    /// <summary>
    /// Verify that the writer schema kept in a file's metadata (<c>avro.schema</c>) is written as the Avro specification
    /// writes it: the decimal's attributes inside its fixed, not around it as Apache.Avro writes them, which Java's
    /// parser (parquet-avro's) refuses.
    /// </summary>
    [Fact]
    public async Task The_files_writer_schema_must_be_in_the_specifications_form()
    {
        await SinkFiles.LandAsync(ParquetSink.For<Basket>(_lake.Path), [new Basket { Id = 1, Price = new AvroDecimal(1.25m) }]);

        var file = Assert.Single(Directory.GetFiles(_lake.Path, "*.parquet", SearchOption.AllDirectories));
        await using var stream = File.OpenRead(file);
        await using var reader = await global::Parquet.ParquetReader.CreateAsync(stream);
        var text = reader.CustomMetadata["avro.schema"];

        Assert.Contains("""{"type":"fixed","name":"Price8","namespace":"ActorFlow.Parquet.Tests.Source","size":8,"logicalType":"decimal","precision":18,"scale":2}""", text, StringComparison.Ordinal);
        Assert.Equal(Basket.AvroSchema, Schema.Parse(text));
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

    private static string Text(Basket b) =>
        $"{b.Id}|{string.Join(";", b.Counts.Select(m => string.Join(",", m.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}"))))}|{string.Join(",", b.Moods.Select(m => m?.ToString() ?? "null"))}|{b.Price}";
}

/// <summary>The symbols of <see cref="Basket.Moods"/>.</summary>
#pragma warning disable CA1707 // Avro enum symbols
public enum Mood
{
    CALM,
    SAD,
}
#pragma warning restore CA1707

/// <summary>A specific record, as Avro's code generator writes one, with shapes Apache.Avro's specific reader cannot read.</summary>
public sealed class Basket : ISpecificRecord
{
    public static readonly Schema AvroSchema = Schema.Parse("""
            {"type":"record","name":"Basket","namespace":"ActorFlow.Parquet.Tests.Source","fields":[
              {"name":"Id","type":"int"},
              {"name":"Counts","type":{"type":"array","items":{"type":"map","values":"int"}}},
              {"name":"Moods","type":{"type":"array","items":["null",{"type":"enum","name":"Mood","symbols":["CALM","SAD"]}]}},
              {"name":"Price","type":{"type":"fixed","name":"Price8","size":8,"logicalType":"decimal","precision":18,"scale":2}}]}
            """);

    public Schema Schema => AvroSchema;

    public int Id { get; set; }

    public IList<IDictionary<string, int>> Counts { get; set; } = [];

    public IList<Mood?> Moods { get; set; } = [];

    public AvroDecimal Price { get; set; }

    public object? Get(int fieldPos) => fieldPos switch
    {
        0 => Id,
        1 => Counts,
        2 => Moods,
        3 => Price,
        _ => throw new AvroRuntimeException("Bad index " + fieldPos),
    };

    public void Put(int fieldPos, object fieldValue)
    {
        switch (fieldPos)
        {
            case 0: Id = (int)fieldValue; break;
            case 1: Counts = (IList<IDictionary<string, int>>)fieldValue; break;
            case 2: Moods = (IList<Mood?>)fieldValue; break;
            case 3: Price = (AvroDecimal)fieldValue; break;
            default: throw new AvroRuntimeException("Bad index " + fieldPos);
        }
    }
}
