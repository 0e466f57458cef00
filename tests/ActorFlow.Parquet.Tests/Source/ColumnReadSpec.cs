using ActorFlow.Parquet.Internal;
using ActorFlow.Tests.Shared;
using global::Parquet;
using global::Parquet.Schema;
using global::Parquet.Serialization;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>
/// The file source reads a class whose columns are all top-level column by column (<see cref="FlatRowReader{T}"/>):
/// the same rows as Parquet.Net's serializer, and the serializer's path for what it does not cover.
/// </summary>
public sealed class ColumnReadSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-columns");

    /// <summary>
    /// Verify that rows of every flat column type (value types, nullable value types with nulls, strings and byte
    /// arrays with nulls, dates, decimals, a public field, an init-only property) read by the file source equal the
    /// rows Parquet.Net's serializer reads from the same files, in order, from the start and from a row offset, and
    /// that the class is read column by column.
    /// </summary>
    [Fact]
    public async Task A_flat_class_must_read_the_same_values_as_the_serializer()
    {
        Assert.NotNull(FlatRowReader<Wide>.TryCreate());
        var rows = Enumerable.Range(0, 250).Select(Wide.Of).ToList();
        var file = Path.Combine(_lake.Path, "wide.parquet");
        await using (var stream = File.Create(file))
        {
            await ParquetSerializer.SerializeAsync(rows, stream, new ParquetOptions { RowGroupSize = 100 });
        }

        var expected = new List<Wide>();
        for (var g = 0; g < 3; g++)
        {
            expected.AddRange((await ParquetSerializer.DeserializeAsync<Wide>(file, null, g)).Data);
        }

        // The source takes the column path for these files (not the serializer's).
        await using (var reader = await ParquetReader.CreateAsync(file))
        {
            var direct = new List<Wide>();
            Assert.Equal(100, await FlatRowReader<Wide>.TryCreate()!.TryReadAsync(reader, 0, 0, (w, _) => direct.Add(w), CancellationToken.None));
            Assert.Equal(expected.Take(100).Select(w => w.Text()), direct.Select(w => w.Text()));
        }

        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<Wide>(_lake.Path));
        var ordered = read.OrderBy(r => r.Origin, StringComparer.Ordinal).ThenBy(r => r.Offset).Select(r => r.Value!).ToList();
        Assert.Equal(expected.Select(w => w.Text()), ordered.Select(w => w.Text()));
        // The rows written, except that a null leaves a member's initializer (as the serializer does).
        Assert.Equal("unset", ordered[7].Name);
        Assert.Equal(-1, ordered[4].MaybeInt);
        Assert.Equal("name-8", ordered[8].Name);
        Assert.Equal(rows.Select(w => w.Text()), ordered.Select(w => w.WithoutInitializers().Text()));

        var partition = read.Select(r => r.Origin).Distinct().Order(StringComparer.Ordinal).ElementAt(1); // the second row group
        var resuming = ParquetSource.For<Wide>(_lake.Path);
        var resumed = await SourceRun.AllAsync(Sys, resuming, new Dictionary<string, long> { [partition] = 40 });
        var part = resumed.Where(r => r.Origin == partition).ToList();
        Assert.Equal(Enumerable.Range(40, 60).Select(i => (long)i), part.Select(r => r.Offset));
        Assert.Equal(expected.Skip(140).Take(60).Select(w => w.Text()), part.Select(r => r.Value!.Text()));
        Assert.Equal(250, resuming.Metrics.RowsRead); // whole row groups are read (and the covered rows skipped)
    }

    /// <summary>
    /// Verify that a class with a nested member (no flat reader) reads through the level assembler, that an optional
    /// column without nulls reads into a non-nullable long (Parquet.Net's serializer refuses the file; the column reader
    /// reads it), and that a null into a <c>[ParquetRequired]</c> string (which the column reader declines) fails naming
    /// the column and the member.
    /// </summary>
    [Fact]
    public async Task What_the_column_reader_does_not_cover_must_read_through_the_level_assembler()
    {
        Assert.Null(FlatRowReader<Nested>.TryCreate());
        var nestedFile = Path.Combine(_lake.Path, "nested", "n.parquet");
        Directory.CreateDirectory(Path.GetDirectoryName(nestedFile)!);
        await ParquetSerializer.SerializeAsync(Enumerable.Range(0, 30).Select(i => new Nested { Id = i, Inner = new Inner { Name = "n" + i } }), nestedFile);
        var nested = await SourceRun.AllAsync(Sys, ParquetSource.For<Nested>(Path.GetDirectoryName(nestedFile)!));
        Assert.Equal(Enumerable.Range(0, 30).Select(i => $"{i}:n{i}"), nested.Select(r => $"{r.Value!.Id}:{r.Value.Inner?.Name}").Order(StringComparer.Ordinal).OrderBy(s => int.Parse(s.Split(':')[0], System.Globalization.CultureInfo.InvariantCulture)));

        // An optional int64 column (as most writers other than .NET's mark every column) read into a non-nullable long.
        var optionalFile = Path.Combine(_lake.Path, "optional", "o.parquet");
        Directory.CreateDirectory(Path.GetDirectoryName(optionalFile)!);
        var schema = new ParquetSchema(new DataField<long?>("Id"), new DataField<string>("Name"));
        await using (var stream = File.Create(optionalFile))
        await using (var writer = await ParquetWriter.CreateAsync(schema, stream))
        using (var group = writer.CreateRowGroup())
        {
            await group.WriteAsync<long>(schema.DataFields[0], new long?[] { 1, 2, 3 }.AsMemory());
            await group.WriteAsync(schema.DataFields[1], new[] { "a", null, "c" });
            group.CompleteValidate();
        }

        await Assert.ThrowsAsync<InvalidDataException>(() => ParquetSerializer.DeserializeAsync<Plain>(optionalFile));
        var source = await SourceRun.AllAsync(Sys, ParquetSource.For<Plain>(Path.GetDirectoryName(optionalFile)!));
        Assert.Equal(["1:a", "2:", "3:c"], source.Select(r => $"{r.Value!.Id}:{r.Value.Name}"));

        // A required string member and an optional column holding a null: the row group fails naming both.
        var required = await Assert.ThrowsAsync<InvalidDataException>(() => SourceRun.AllAsync(Sys, ParquetSource.For<RequiredName>(Path.GetDirectoryName(optionalFile)!)));
        Assert.Contains(optionalFile, required.Message, StringComparison.Ordinal);
        Assert.Contains("column 'Name' holds a null, which member 'Name' (String) cannot hold", required.Message, StringComparison.Ordinal);

        // Read as the nullable type the file holds, the same file reads through the column reader.
        var nullable = await SourceRun.AllAsync(Sys, ParquetSource.For<NullablePlain>(Path.GetDirectoryName(optionalFile)!));
        Assert.Equal(["1:a", "2:", "3:c"], nullable.Select(r => $"{r.Value!.Id}:{r.Value.Name}"));
    }

    /// <summary>
    /// Verify that a required string column (as an Avro record's non-null string lands) reads into a string property:
    /// the column reader reads it, where Parquet.Net's serializer refuses the nullability difference.
    /// </summary>
    [Fact]
    public async Task A_required_string_column_must_read_into_a_string_property()
    {
        var file = Path.Combine(_lake.Path, "required.parquet");
        var schema = new ParquetSchema(new DataField<long>("Id"), new DataField("Name", typeof(string), false));
        await using (var stream = File.Create(file))
        await using (var writer = await ParquetWriter.CreateAsync(schema, stream))
        using (var group = writer.CreateRowGroup())
        {
            await group.WriteAsync<long>(schema.DataFields[0], new long[] { 1, 2 }.AsMemory());
            await group.WriteAsync(schema.DataFields[1], new[] { "a", "b" });
            group.CompleteValidate();
        }

        await Assert.ThrowsAsync<InvalidDataException>(() => ParquetSerializer.DeserializeAsync<Plain>(file));
        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<Plain>(_lake.Path));
        Assert.Equal(["1:a", "2:b"], read.Select(r => $"{r.Value!.Id}:{r.Value.Name}"));
    }

    /// <summary>
    /// Verify that a <see cref="DateOnly"/> member reads the DATE column the serializer (and so the sink) writes for it,
    /// which a file's schema names <see cref="DateTime"/>, and that a timestamp column read as a date is reported.
    /// </summary>
    [Fact]
    public async Task A_date_only_member_must_read_a_date_column()
    {
        var file = Path.Combine(_lake.Path, "dates.parquet");
        await ParquetSerializer.SerializeAsync(Enumerable.Range(0, 3).Select(i => new Dated { Id = i, Day = new DateOnly(2026, 12, 1).AddDays(i), When = new DateTime(2026, 1, 1, 0, 0, i, DateTimeKind.Unspecified) }), file);
        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<Dated>(_lake.Path));
        Assert.Equal(["0:2026-12-01", "1:2026-12-02", "2:2026-12-03"], read.Select(r => $"{r.Value!.Id}:{r.Value.Day:yyyy-MM-dd}").Order(StringComparer.Ordinal));

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => SourceRun.AllAsync(Sys, ParquetSource.For<WhenAsDate>(_lake.Path)));
        Assert.Contains(file, e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Verify that a string column's equal values in a row group read as one shared string, with the serializer's values
    /// (nulls, empty and non-ASCII strings, a dictionary-encoded and a plain column), and that a column of more distinct
    /// values than the reader keeps still reads every value right (and keeps sharing the values that repeat).
    /// </summary>
    [Fact]
    public async Task Equal_strings_of_a_row_group_must_read_as_one_string()
    {
        string? NameOf(int i) => (i % 7) switch { 0 => null, 1 => "", 2 => "clé-ü-✓", _ => "key-" + (i % 5) };
        string Id(int i) => "id-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var rows = Enumerable.Range(0, 300).Select(i => new Plain { Id = i, Name = NameOf(i) })
            .Concat(Enumerable.Range(300, 10_000).Select(i => new Plain { Id = i, Name = Id(i) }))
            .Concat(Enumerable.Range(10_300, 4_000).Select(i => new Plain { Id = i, Name = i is >= 11_300 and < 13_300 ? Id(i) : "key-" + (i % 5) }))
            .ToList();
        var file = Path.Combine(_lake.Path, "strings.parquet");
        await using (var stream = File.Create(file))
        {
            // Row group 0: few distinct values; row group 1: 10,000 distinct ones (past what the reader keeps); row group
            // 2: five keys, 2,000 distinct identifiers (past the limit), the five keys again (still shared: they repeat).
            await ParquetSerializer.SerializeAsync(rows.Take(300), stream, new ParquetOptions { RowGroupSize = 300 });
            await ParquetSerializer.SerializeAsync(rows.Skip(300).Take(10_000), stream, new ParquetOptions { RowGroupSize = 10_000, Append = true });
            await ParquetSerializer.SerializeAsync(rows.Skip(10_300), stream, new ParquetOptions { RowGroupSize = 4_000, Append = true });
        }

        // The same first 300 rows written by DuckDB, which dictionary-encodes the string column (Parquet.Net 6 writes
        // strings plain); DuckDB's columns are all optional, so they read into NullablePlain.
        var dictionary = Path.Combine(_lake.Path, "dictionary", "strings.parquet");
        Directory.CreateDirectory(Path.GetDirectoryName(dictionary)!);
        DuckDb.Query($"COPY (SELECT Id, Name FROM read_parquet('{file}') ORDER BY Id LIMIT 300) TO '{dictionary}' (FORMAT PARQUET, ROW_GROUP_SIZE 300)");
        await using (var reader = await ParquetReader.CreateAsync(dictionary))
        {
            Assert.Contains(reader.Metadata!.RowGroups[0].Columns[1].MetaData!.Encodings, e => e is global::Parquet.Meta.Encoding.PLAIN_DICTIONARY or global::Parquet.Meta.Encoding.RLE_DICTIONARY);
        }

        var plain = await AssertSharedAsync<Plain>(file, p => p.Id, p => p.Name);
        await AssertSharedAsync<NullablePlain>(dictionary, p => p.Id ?? -1, p => p.Name);
        var keys = plain.Skip(10_300).Where(p => p.Name!.StartsWith("key-", StringComparison.Ordinal)).GroupBy(p => p.Name, StringComparer.Ordinal).ToList();
        Assert.Equal(5, keys.Count);
        Assert.All(keys, values => Assert.All(values, p => Assert.Same(values.First().Name, p.Name)));

        async Task<List<TRow>> AssertSharedAsync<TRow>(string path, Func<TRow, long> id, Func<TRow, string?> name)
            where TRow : class, new()
        {
            await using var reader = await ParquetReader.CreateAsync(path);
            var read = new List<TRow>();
            var serializer = new List<TRow>();
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                Assert.NotNull(await FlatRowReader<TRow>.TryCreate()!.TryReadAsync(reader, g, 0, (r, _) => read.Add(r), CancellationToken.None));
                serializer.AddRange((await ParquetSerializer.DeserializeAsync<TRow>(path, null, g)).Data);
            }

            string Text(TRow r) => $"{id(r)}:{name(r) ?? "<null>"}";
            Assert.Equal(serializer.Select(Text), read.Select(Text));
            Assert.Equal(rows.Take(read.Count).Select(p => $"{p.Id}:{p.Name ?? "<null>"}"), read.Select(Text));
            var equal = read.Take(300).Where(r => name(r) is { Length: > 0 }).GroupBy(name, StringComparer.Ordinal).ToList();
            Assert.Equal(6, equal.Count); // "clé-ü-✓" and key-0 … key-4
            Assert.All(equal, values => Assert.All(values, r => Assert.Same(name(values.First()), name(r))));
            return read;
        }
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

    /// <summary>One column of each flat type the serializer maps.</summary>
    public sealed class Wide
    {
        public bool Flag { get; set; }

        public byte Small { get; set; }

        public short Short { get; set; }

        public int Int { get; set; }

        public long Long { get; set; }

        public float Float { get; set; }

        public double Double { get; set; }

        public decimal Decimal { get; set; }

        public DateTime When { get; set; }

        public Guid Id { get; set; }

        public int? MaybeInt { get; set; } = -1;

        public long? MaybeLong { get; set; }

        public DateTime? MaybeWhen { get; set; } = DateTime.UnixEpoch;

        public string? Name { get; set; } = "unset";

        public byte[]? Bytes { get; set; } = [0xFF];

        public string Init { get; init; } = "";

#pragma warning disable SA1401, CA1051 // a public field: the serializer maps fields too
        public double Field;
#pragma warning restore SA1401, CA1051

        public static Wide Of(int i) => new()
        {
            Flag = i % 3 == 0,
            Small = (byte)i,
            Short = (short)(i * 7),
            Int = i * 1000,
            Long = (1L << 40) + i,
            Float = i / 4f,
            Double = i / 3.0,
            Decimal = i * 1.25m,
            When = new DateTime(2026, 12, 4, 10, 0, 0, DateTimeKind.Unspecified).AddSeconds(i),
            Id = new Guid(i, 1, 2, [3, 4, 5, 6, 7, 8, 9, 10]),
            MaybeInt = i % 4 == 0 ? null : i,
            MaybeLong = i % 5 == 0 ? null : -i,
            MaybeWhen = i % 6 == 0 ? null : new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Unspecified).AddDays(i),
            Name = i % 7 == 0 ? null : "name-" + i,
            Bytes = i % 8 == 0 ? null : [(byte)i, (byte)(i >> 8)],
            Init = "init-" + i,
            Field = i * 0.5,
        };

        /// <summary>This row with what reads as an initializer (a null written) back to null.</summary>
        public Wide WithoutInitializers()
        {
            MaybeInt = MaybeInt == -1 ? null : MaybeInt;
            MaybeWhen = MaybeWhen == DateTime.UnixEpoch ? null : MaybeWhen;
            Name = Name == "unset" ? null : Name;
            Bytes = Bytes is [0xFF] ? null : Bytes;
            return this;
        }

        public string Text() =>
            string.Join('|', Flag, Small, Short, Int, Long, Float, Double, Decimal.ToString("0.0###", System.Globalization.CultureInfo.InvariantCulture), When.ToString("O"), When.Kind, Id, MaybeInt, MaybeLong,
                MaybeWhen?.ToString("O"), MaybeWhen?.Kind, Name ?? "<null>", Bytes is null ? "<null>" : Convert.ToHexString(Bytes), Init, Field);
    }

    public sealed class Nested
    {
        public int Id { get; set; }

        public Inner? Inner { get; set; }
    }

    public sealed class Inner
    {
        public string? Name { get; set; }
    }

    public sealed class Plain
    {
        public long Id { get; set; }

        public string? Name { get; set; }
    }

    public sealed class RequiredName
    {
        public long? Id { get; set; }

        [global::Parquet.Serialization.Attributes.ParquetRequired]
        public string Name { get; set; } = "";
    }

    public sealed class Dated
    {
        public int Id { get; set; }

        public DateOnly Day { get; set; }

        public DateTime When { get; set; }
    }

    public sealed class WhenAsDate
    {
        public DateOnly When { get; set; }
    }

    public sealed class NullablePlain
    {
        public long? Id { get; set; }

        public string? Name { get; set; }
    }
}
