using ActorFlow.Avro.Internal;
using ActorFlow.Avro.Tests.Records;
using ActorFlow.Avro.Tests.Support;
using Avro;
using Avro.IO;
using Avro.Specific;
using AvroSchema = Avro.Schema;

namespace ActorFlow.Avro.Tests.Serdes;

/// <summary>
/// The compiled reader of generated records (used when writer and reader schema need no resolution) must read exactly
/// what Apache.Avro's <see cref="SpecificDatumReader{T}"/> reads, field by field, for every type it takes on, and leave
/// every other schema to Apache.Avro's reader.
/// </summary>
public sealed class FastSpecificReaderSpec
{
    /// <summary>Verify that random transactions read the same with the compiled reader as with Apache.Avro's.</summary>
    [Fact]
    public void Transactions_must_read_as_Apache_Avro_reads_them()
    {
        var random = new Random(20261203);
        for (var i = 0; i < 500; i++)
        {
            var t = Samples.Transaction(i);
            t.id = i % 50 == 0 ? string.Empty : new string((char)random.Next(32, 0x2FF), random.Next(0, 40));
            t.account = i % 7 == 0 ? (i % 2 == 0 ? long.MinValue : long.MaxValue) : random.NextInt64(long.MinValue, long.MaxValue);
            t.amount = i % 11 == 0 ? double.NaN : (random.NextDouble() - 0.5) * 1e12;
            t.score = i % 13 == 0 ? float.NegativeInfinity : (float)random.NextDouble();
            t.items = random.Next(int.MinValue, int.MaxValue);
            t.timestamp = DateTime.UnixEpoch.AddMilliseconds(random.NextInt64(-62_135_596_800_000, 253_402_300_799_999));
            AssertSameRead(t);
        }
    }

    /// <summary>Verify that every type the compiled reader takes on reads as Apache.Avro reads it, with the unions both null and set.</summary>
    [Fact]
    public void Nested_records_nullable_unions_and_logical_types_must_read_as_Apache_Avro_reads_them()
    {
        AssertSameRead(FastTypes(set: true));
        AssertSameRead(FastTypes(set: false));
    }

    /// <summary>Verify that the compiled reader is the one used for these records, and that other schemas keep Apache.Avro's.</summary>
    [Fact]
    public void Only_pairs_without_resolution_and_supported_types_must_get_the_compiled_reader()
    {
        Assert.NotNull(FastSpecificReader.TryCreate<Transaction>(Transaction._SCHEMA, Transaction._SCHEMA));
        Assert.NotNull(FastSpecificReader.TryCreate<FastTypes>(Records.FastTypes._SCHEMA, Records.FastTypes._SCHEMA));

        // Enums, fixed, arrays, maps and a three-branch union: Apache.Avro's reader.
        Assert.Null(FastSpecificReader.TryCreate<AllTypes>(AllTypes._SCHEMA, AllTypes._SCHEMA));

        // A writer with one more field needs resolution: Apache.Avro's reader.
        var wider = AvroSchema.Parse(Transaction._SCHEMA.ToString().Replace(
            "{\"name\":\"items\",\"type\":\"int\"}", "{\"name\":\"items\",\"type\":\"int\"},{\"name\":\"extra\",\"type\":\"string\"}", StringComparison.Ordinal));
        Assert.NotEqual(Transaction._SCHEMA.ToString(), wider.ToString());
        Assert.Null(FastSpecificReader.TryCreate<Transaction>(wider, Transaction._SCHEMA));

        // A promotion (int written, long read) needs resolution too.
        var promoted = AvroSchema.Parse(Transaction._SCHEMA.ToString().Replace("{\"name\":\"account\",\"type\":\"long\"}", "{\"name\":\"account\",\"type\":\"int\"}", StringComparison.Ordinal));
        Assert.Null(FastSpecificReader.TryCreate<Transaction>(promoted, Transaction._SCHEMA));
    }

    /// <summary>Verify that a union branch out of range and a truncated payload fail as Avro errors.</summary>
    [Fact]
    public void Malformed_bytes_must_fail_as_Avro_errors()
    {
        var reader = FastSpecificReader.TryCreate<FastTypes>(Records.FastTypes._SCHEMA, Records.FastTypes._SCHEMA)!;
        var bytes = Write(FastTypes(set: true));

        Assert.ThrowsAny<AvroException>(() => reader.Read(null!, new SpanDecoder(bytes, 0, bytes.Length - 3)));

        var place = Write(new Place { street = "ab", zip = null });
        Assert.Equal([4, (byte)'a', (byte)'b', 0], place);            // length 2, "ab", union branch 0 (null)
        place[^1] = 8;                                                  // branch 4 of a two-branch union
        var error = Assert.Throws<AvroException>(() => FastSpecificReader.TryCreate<Place>(Place._SCHEMA, Place._SCHEMA)!.Read(null!, new SpanDecoder(place, 0, place.Length)));
        Assert.Contains("union branch 4", error.Message, StringComparison.Ordinal);
    }

    private static FastTypes FastTypes(bool set) => new()
    {
        flag = set,
        small = set ? int.MinValue : 0,
        big = set ? long.MaxValue : -1,
        ratio = set ? float.Epsilon : -0f,
        precise = set ? double.MaxValue : double.NegativeZero,
        blob = set ? [0, 1, 2, 255] : [],
        text = set ? "héllo wörld ✓" : string.Empty,
        place = new Place { street = "1 rue Xy", zip = set ? 75002 : null },
        nickname = set ? "nick" : null,
        score = set ? 0.5 : null,
        previous = set ? new Place { street = "old", zip = -1 } : null,
        price = new AvroDecimal(set ? 123456789.12m : -0.01m),
        day = new DateTime(2026, 12, 3, 0, 0, 0, DateTimeKind.Utc),
        timeMillis = TimeSpan.FromMilliseconds(45_296_789),
        timeMicros = TimeSpan.FromTicks(452_967_891_230),
        createdMillis = new DateTime(2026, 12, 3, 14, 30, 5, 123, DateTimeKind.Utc),
        createdMicros = new DateTime(2026, 12, 3, 14, 30, 5, DateTimeKind.Utc).AddTicks(1_234_560),
        maybeCreated = set ? new DateTime(1969, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc) : null,
        uuid = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
    };

    private static byte[] Write<T>(T record)
        where T : ISpecificRecord
    {
        using var stream = new MemoryStream();
        new SpecificDatumWriter<T>(record.Schema).Write(record, new BinaryEncoder(stream));
        return stream.ToArray();
    }

    private static void AssertSameRead<T>(T record)
        where T : ISpecificRecord
    {
        var bytes = Write(record);
        var expected = new SpecificDatumReader<T>(record.Schema, record.Schema).Read(default!, new BinaryDecoder(new MemoryStream(bytes)));
        var decoder = new SpanDecoder(bytes, 0, bytes.Length);
        var actual = FastSpecificReader.TryCreate<T>(record.Schema, record.Schema)!.Read(default!, decoder);
        Assert.Equal(0, decoder.Remaining);
        AssertSame(expected, actual, typeof(T).Name);
    }

    private static void AssertSame(object? expected, object? actual, string path)
    {
        switch (expected)
        {
            case null:
                Assert.True(actual is null, $"{path}: expected null, read {actual}");
                break;
            case ISpecificRecord e:
                var a = Assert.IsAssignableFrom<ISpecificRecord>(actual);
                foreach (var field in ((RecordSchema)e.Schema).Fields)
                {
                    AssertSame(e.Get(field.Pos), a.Get(field.Pos), path + "." + field.Name);
                }

                break;
            case byte[] bytes:
                Assert.Equal(bytes, Assert.IsType<byte[]>(actual));
                break;
            case DateTime time:
                var read = Assert.IsType<DateTime>(actual);
                Assert.True(time == read && time.Kind == read.Kind, $"{path}: expected {time:O} ({time.Kind}), read {read:O} ({read.Kind})");
                break;
            default:
                Assert.True(Equals(expected, actual), $"{path}: expected {expected} ({expected.GetType().Name}), read {actual} ({actual?.GetType().Name})");
                break;
        }
    }
}
