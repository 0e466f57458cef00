using ActorFlow.Tests.Shared;
using Avro;
using Avro.Generic;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>
/// Unsigned columns (DuckDB's UINTEGER and UBIGINT, Parquet's UINT_32 and UINT_64) read into Avro fields as
/// parquet-avro maps them: a UINT_32 into an <c>int</c> and a UINT_64 into a <c>long</c> where the value fits (beyond the
/// field's range the row group fails naming the field; parquet-avro would read a negative number), either into wider
/// fields (<c>long</c>, <c>double</c>) always.
/// </summary>
public sealed class UnsignedAvroFieldSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-unsigned-avro");

    /// <summary>Verify that values within the signed range read into fields of the same width, and any into wider ones.</summary>
    [Fact]
    public async Task Unsigned_values_must_read_into_signed_and_wider_fields()
    {
        DuckDb.Query($"COPY (SELECT * FROM (VALUES (7::UINTEGER, 9000000000000000000::UBIGINT)) t(u, ul)) TO '{_lake.Path}/fits.parquet' (FORMAT PARQUET)");
        DuckDb.Query($"COPY (SELECT * FROM (VALUES (3000000000::UINTEGER, 18000000000000000000::UBIGINT)) t(u, ul)) TO '{_lake.Path}/wide.parquet' (FORMAT PARQUET)");

        var same = await ReadAsync("""[{"name":"u","type":"int"},{"name":"ul","type":"long"}]""", "fits.parquet");
        var wider = await ReadAsync("""[{"name":"u","type":"long"},{"name":"ul","type":"double"}]""", "wide.parquet");

        Assert.Equal((7, 9_000_000_000_000_000_000L), ((int)same["u"], (long)same["ul"]));
        Assert.Equal((3_000_000_000L, 1.8e19), ((long)wider["u"], (double)wider["ul"]));
    }

    /// <summary>Verify that a value beyond the signed field's range fails naming the field, never reading a negative number.</summary>
    /// <param name="field">The field read.</param>
    /// <param name="type">Its Avro type.</param>
    [Theory]
    [InlineData("u", "int")]
    [InlineData("ul", "long")]
    public async Task A_value_beyond_the_signed_range_must_fail_naming_the_field(string field, string type)
    {
        DuckDb.Query($"COPY (SELECT * FROM (VALUES (3000000000::UINTEGER, 18000000000000000000::UBIGINT)) t(u, ul)) TO '{_lake.Path}/wide.parquet' (FORMAT PARQUET)");

        var error = await Assert.ThrowsAnyAsync<Exception>(() => ReadAsync($$"""[{"name":"{{field}}","type":"{{type}}"}]""", "wide.parquet"));

        Assert.Contains($"'R.{field}'", Messages(error), StringComparison.Ordinal);
        Assert.Contains($"beyond Avro {type}'s range", Messages(error), StringComparison.Ordinal);
    }

    void IDisposable.Dispose()
    {
        _lake.Dispose();
        Dispose();
    }

    private static string Messages(Exception e) => e.InnerException is { } inner ? e.Message + " | " + Messages(inner) : e.Message;

    private async Task<GenericRecord> ReadAsync(string fields, string file)
    {
        var schema = (RecordSchema)Schema.Parse($$"""{"type":"record","name":"R","fields":{{fields}}}""");
        var rows = await SourceRun.AllAsync(Sys, ParquetSource.ForAvro(Path.Combine(_lake.Path, file), schema));
        return Assert.Single(rows).Value!;
    }
}
