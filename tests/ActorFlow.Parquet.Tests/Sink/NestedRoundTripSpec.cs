using System.Text.Json;
using ActorFlow.Parquet.Tests.Source;
using ActorFlow.Tests.Shared;
using global::Parquet.Serialization.Attributes;

namespace ActorFlow.Parquet.Tests.Sink;

/// <summary>C# records with nested classes, lists, arrays and dictionaries landed by the sink read back through the source as they were written.</summary>
public sealed class NestedRoundTripSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { IncludeFields = true };

    private readonly TempDirectory _lake = new("actorflow-parquet-nested-round-trip");

    /// <summary>
    /// Verify that orders with a nested class (with an init-only property), a list of classes (with a public field and
    /// a member named by <c>[JsonPropertyName]</c>, as Parquet.Net names its column) holding lists, a list of lists, an array, a
    /// dictionary of classes, an enum, a <see cref="DateTime"/> (INT96 and a UTC TIMESTAMP) and nulls and empty
    /// collections in every place land (Parquet.Net's serializer, required and optional columns as the type says) and
    /// read back through <see cref="ParquetSource.For{T}"/> equal to what was landed.
    /// </summary>
    [Fact]
    public async Task Nested_records_landed_by_the_sink_must_read_back_as_written()
    {
        var records = Enumerable.Range(0, 500).Select(Order.Of).ToList();
        await SinkFiles.LandAsync(ParquetSink.For(_lake.Path, new ParquetSinkOptions<Order> { RowGroupSize = 200 }), records);

        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<Order>(_lake.Path));
        Assert.Equal("Lines/list/element/line_sku", DuckDb.Query($"SELECT DISTINCT path_in_schema FROM parquet_metadata('{SinkFiles.Final(_lake.Path)[0]}') WHERE path_in_schema LIKE '%sku'").Single()[0]?.ToString()?.Replace(", ", "/", StringComparison.Ordinal));
        Assert.Equal(records.Select(Text), read.Select(r => r.Value!).OrderBy(o => o.Id).Select(Text));
        Assert.All(read, r => Assert.Equal(DateTimeKind.Utc, r.Value!.Stamped.Kind));
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

    /// <summary>The record as JSON, its <see cref="DateTime"/>s as ticks (an INT96 reads back of kind Unspecified, as Parquet.Net reads it).</summary>
    private static string Text(Order order) =>
        JsonSerializer.Serialize(order with { Placed = DateTime.SpecifyKind(order.Placed, DateTimeKind.Unspecified) }, Json);

    public enum Channel
    {
        Web,
        Store,
    }

    public sealed record Order
    {
        public int Id { get; set; }

        public Channel Channel { get; set; }

        public DateTime Placed { get; set; }

        [ParquetTimestamp(ParquetTimestampResolution.Microseconds, useLogicalTimestamp: true)]
        public DateTime Stamped { get; set; }

        public Customer? Customer { get; set; }

        public List<Line>? Lines { get; set; }

        public List<List<int>>? Batches { get; set; }

        public string[]? Notes { get; set; }

        public Dictionary<string, Customer>? Contacts { get; set; }

        public static Order Of(int i) => new()
        {
            Id = i,
            Channel = (Channel)(i % 2),
            Placed = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(i),
            Stamped = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(i * 10L),
            Customer = i % 5 == 0 ? null : new Customer { Name = i % 3 == 0 ? null : "c" + i, Tier = i % 4 == 0 ? null : i % 7, Since = 2000 + i },
            Lines = (i % 4) switch
            {
                0 => null,
                1 => [],
                _ => [new Line { Sku = "s" + i, Qty = i, Tags = i % 3 == 0 ? [] : ["t", "u" + i], Weight = i * 0.5 }, new Line { Sku = null, Qty = -i, Tags = null }],
            },
            Batches = (i % 3) switch { 0 => null, 1 => [[], [i]], _ => [[i, i + 1]] },
            Notes = i % 6 == 0 ? null : i % 6 == 1 ? [] : ["n" + i, "m"],
            Contacts = i % 4 == 0 ? null : i % 4 == 1 ? [] : new() { ["home"] = new Customer { Name = "h" + i, Tier = 1 }, ["work"] = new Customer() },
        };
    }

    public sealed class Customer
    {
        public string? Name { get; set; }

        public int? Tier { get; set; }

        public int Since { get; init; }
    }

    public sealed class Line
    {
        [System.Text.Json.Serialization.JsonPropertyName("line_sku")]
        public string? Sku { get; set; }

        public long Qty { get; set; }

        public List<string>? Tags { get; set; }

#pragma warning disable SA1401, CA1051 // a public field: Parquet.Net maps fields too
        public double Weight;
#pragma warning restore SA1401, CA1051
    }
}
