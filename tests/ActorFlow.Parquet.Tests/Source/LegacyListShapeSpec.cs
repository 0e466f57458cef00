using System.Buffers.Binary;
using System.Collections;
using System.Globalization;
using System.Reflection;
using ActorFlow.Tests.Shared;
using Avro;
using Avro.Generic;
using global::Parquet;
using global::Parquet.Meta;
using global::Parquet.Serialization;
using global::Parquet.Serialization.Attributes;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>
/// The list shapes of the format's backward-compatibility rules read as parquet-java, Arrow and DuckDB read them: a
/// 2-level list of records (parquet-avro's default <c>write-old-list-structure</c>), a 2-level list of lists
/// (parquet-java 1.14.3, parquet-testing's <c>old_list_structure.parquet</c>) and a repeated group without LIST
/// annotation (parquet-testing's <c>repeated_no_annotation.parquet</c>). Parquet.Net 6.1 took the first field of a
/// 2-level list's record for the element and failed a file with an unannotated repeated group of several fields.
/// </summary>
public sealed class LegacyListShapeSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-legacy-lists");

    /// <summary>
    /// Verify that parquet-avro's 2-level lists of records, <c>repeated group array { a; b }</c> (several fields) and
    /// <c>repeated group array { x }</c> (one field, named <c>array</c>), read every field of every element, null and
    /// empty lists included, as classes and as Avro records, with DuckDB's values. (DuckDB 1.x reads the one-field shape
    /// as a list of its field, <c>INTEGER[]</c>, against the format's rule 3 that parquet-java and Arrow follow: the
    /// values compared are the same.)
    /// </summary>
    [Fact]
    public async Task A_two_level_list_of_records_must_read_every_field()
    {
        var file = $"{_lake.Path}/avro-lists.parquet";
        await WriteTwoLevelAsync(file, [
            new Written { id = 1, tags = [new Tag { a = "x", b = 1 }, new Tag { a = "y" }], ones = [new One { x = 7 }] },
            new Written { id = 2, tags = null, ones = [] },
            new Written { id = 3, tags = [], ones = [new One { x = 8 }, new One { x = 9 }] },
        ]);
        var expected = DuckDb.Query($"""
            SELECT id, list_transform(tags, t -> t.a), list_transform(tags, t -> coalesce(CAST(t.b AS VARCHAR), '<null>')), ones
            FROM read_parquet('{file}') ORDER BY id
            """).Select(OtherWriters.Text).ToList();
        Assert.Equal(["1 | [x, y] | [1, <null>] | [7]", "2 | <null> | <null> | []", "3 | [] | [] | [8, 9]"], expected);

        var classes = await SourceRun.AllAsync(Sys, ParquetSource.For<Written>(file));
        var records = await SourceRun.AllAsync(Sys, ParquetSource.ForAvro(file, (RecordSchema)Schema.Parse("""
            {"type":"record","name":"Written","fields":[
              {"name":"id","type":"int"},
              {"name":"tags","type":["null",{"type":"array","items":{"type":"record","name":"Tag","fields":[
                {"name":"a","type":"string"},{"name":"b","type":["null","int"]}]}}]},
              {"name":"ones","type":{"type":"array","items":{"type":"record","name":"One","fields":[{"name":"x","type":"int"}]}}}]}
            """)));

        Assert.Equal(expected, classes.Select(r => r.Value!).OrderBy(w => w.id).Select(w => OtherWriters.Text([
            w.id, w.tags?.Select(t => t.a), w.tags?.Select(t => t.b), w.ones.Select(o => o.x)])));
        Assert.Equal(expected, records.Select(r => r.Value!).OrderBy(w => (int)w["id"]).Select(w => OtherWriters.Text([
            w["id"], Items(w["tags"])?.Select(t => t["a"]), Items(w["tags"])?.Select(t => t["b"]), Items(w["ones"])!.Select(o => o["x"])])));
    }

    /// <summary>Verify that parquet-java's 2-level list of lists (<c>[[1, 2], [3, 4]]</c>) reads as DuckDB reads it, as a class and as an Avro record.</summary>
    [Fact]
    public async Task A_two_level_list_of_lists_must_read_with_duckdbs_values()
    {
        var file = Path.Combine(OtherWriters.Fixtures, "old_list_structure.parquet");
        var expected = DuckDb.Query($"SELECT a FROM read_parquet('{file}')").Select(OtherWriters.Text).ToList();
        Assert.Equal(["[[1, 2], [3, 4]]"], expected);

        var classes = await SourceRun.AllAsync(Sys, ParquetSource.For<ListOfLists>(file));
        var records = await SourceRun.AllAsync(Sys, ParquetSource.ForAvro(file, (RecordSchema)Schema.Parse("""
            {"type":"record","name":"my_record","fields":[{"name":"a","type":{"type":"array","items":{"type":"array","items":"int"}}}]}
            """)));

        Assert.Equal(expected, classes.Select(r => OtherWriters.Text([r.Value!.a])));
        Assert.Equal(expected, records.Select(r => OtherWriters.Text([r.Value!["a"]])));
    }

    /// <summary>
    /// Verify that a repeated group of two fields with no LIST annotation, inside an optional group, reads as a list of
    /// records with DuckDB's values: rows with no group, with an empty one and with phone numbers, as a class and as an
    /// Avro record. Parquet.Net failed the whole file.
    /// </summary>
    [Fact]
    public async Task A_repeated_group_without_annotation_must_read_as_a_list_of_records()
    {
        var file = Path.Combine(OtherWriters.Fixtures, "repeated_no_annotation.parquet");
        var expected = DuckDb.Query($"""
            SELECT id, phoneNumbers IS NULL, list_transform(phoneNumbers.phone, p -> p.number), list_transform(phoneNumbers.phone, p -> p.kind)
            FROM read_parquet('{file}') ORDER BY id
            """).Select(OtherWriters.Text).ToList();
        Assert.Equal(6, expected.Count);
        Assert.Equal(6, expected.Count);
        Assert.Equal("6 | false | [1111111111, 2222222222, 3333333333] | [home, <null>, mobile]", expected[5]);

        var classes = await SourceRun.AllAsync(Sys, ParquetSource.For<User>(file));
        var records = await SourceRun.AllAsync(Sys, ParquetSource.ForAvro(file, (RecordSchema)Schema.Parse("""
            {"type":"record","name":"user","fields":[
              {"name":"id","type":"int"},
              {"name":"phoneNumbers","type":["null",{"type":"record","name":"PhoneNumbers","fields":[
                {"name":"phone","type":{"type":"array","items":{"type":"record","name":"Phone","fields":[
                  {"name":"number","type":"long"},{"name":"kind","type":["null","string"]}]}}}]}]}]}
            """)));

        Assert.Equal(expected, classes.Select(r => r.Value!).OrderBy(u => u.id).Select(u => OtherWriters.Text([
            u.id, u.phoneNumbers is null, u.phoneNumbers?.phone.Select(p => p.number), u.phoneNumbers?.phone.Select(p => p.kind)])));
        Assert.Equal(expected, records.Select(r => r.Value!).OrderBy(u => (int)u["id"]).Select(u => u["phoneNumbers"] as GenericRecord is var numbers ? OtherWriters.Text([
            u["id"], numbers is null, Items(numbers?["phone"])?.Select(p => p["number"]), Items(numbers?["phone"])?.Select(p => p["kind"])]) : null));
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

    private static IEnumerable<GenericRecord>? Items(object? array) => (array as IEnumerable)?.Cast<GenericRecord>();

    /// <summary>
    /// Writes <paramref name="rows"/> as parquet-avro writes them by default: Parquet.Net writes 3-level lists of required
    /// records (<c>repeated group list { required group element { … } }</c>), whose levels are those of the 2-level
    /// shape <c>repeated group array { … }</c>; the footer is rewritten into that shape (schema and column paths).
    /// </summary>
    private static async Task WriteTwoLevelAsync(string path, IReadOnlyList<Written> rows)
    {
        await ParquetSerializer.SerializeAsync(rows, path);
        FileMetaData meta;
        await using (var reader = await ParquetReader.CreateAsync(path))
        {
            meta = reader.Metadata!;
        }

        var schema = new List<SchemaElement>();
        for (var i = 0; i < meta.Schema.Count; i++)
        {
            var element = meta.Schema[i];
            if (element is { Name: "list", RepetitionType: FieldRepetitionType.REPEATED } && meta.Schema[i + 1] is { Name: "element", RepetitionType: FieldRepetitionType.REQUIRED, NumChildren: > 0 } item)
            {
                element.Name = "array";
                element.NumChildren = item.NumChildren;
                i++;
            }

            schema.Add(element);
        }

        meta.Schema = schema;
        foreach (var chunk in meta.RowGroups.SelectMany(g => g.Columns))
        {
            var parts = chunk.MetaData!.PathInSchema;
            if (parts.IndexOf("list") is var at and >= 0)
            {
                Assert.Equal("element", parts[at + 1]);
                parts[at] = "array";
                parts.RemoveAt(at + 1);
            }
        }

        var bytes = await File.ReadAllBytesAsync(path);
        var footerLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(bytes.Length - 8));
        using var output = new MemoryStream();
        output.Write(bytes, 0, bytes.Length - 8 - footerLength);
        var footerStart = output.Position;
        var protocol = Activator.CreateInstance(typeof(FileMetaData).Assembly.GetType("Parquet.Meta.Proto.ThriftCompactProtocolWriter", throwOnError: true)!, output)!;
        typeof(FileMetaData).GetMethod("Write", BindingFlags.Instance | BindingFlags.NonPublic)!.Invoke(meta, [protocol]);
        var length = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(length, checked((int)(output.Position - footerStart)));
        output.Write(length);
        output.Write("PAR1"u8);
        await File.WriteAllBytesAsync(path, output.ToArray());
    }

#pragma warning disable SA1300, IDE1006 // the files' column names
    public sealed class Written
    {
        [ParquetRequired]
        public int id { get; set; }

        [ParquetListElementRequired]
        public List<Tag>? tags { get; set; }

        [ParquetRequired]
        [ParquetListElementRequired]
        public List<One> ones { get; set; } = [];
    }

    public sealed class Tag
    {
        [ParquetRequired]
        public string a { get; set; } = "";

        public int? b { get; set; }
    }

    public sealed class One
    {
        public int x { get; set; }
    }

    public sealed class ListOfLists
    {
        public List<List<int>> a { get; set; } = [];
    }

    public sealed class User
    {
        public int id { get; set; }

        public PhoneNumbers? phoneNumbers { get; set; }
    }

    public sealed class PhoneNumbers
    {
        public List<Phone> phone { get; set; } = [];
    }

    public sealed class Phone
    {
        public long number { get; set; }

        public string? kind { get; set; }
    }
#pragma warning restore SA1300, IDE1006
}
