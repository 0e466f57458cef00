using ActorFlow.Tests.Shared;

namespace ActorFlow.Parquet.Tests.Sink;

/// <summary>A C# member type Parquet.Net 6.1 maps wrongly fails the sink and the source when they are made, naming the member.</summary>
public sealed class UnmappedClrMemberSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-unmapped");

    /// <summary>
    /// Verify that a <see cref="DateTimeOffset"/>, a <see cref="TimeSpan"/> (also inside a list of a nested class) and a
    /// <see cref="TimeOnly"/> fail <see cref="ParquetSink.For{T}"/> with <see cref="NotSupportedException"/> naming the
    /// member: they landed as a struct of the type's properties (DuckDB saw STRUCT(DateTime TIMESTAMP, UtcDateTime …),
    /// which the source then failed on with "has no fields"), or as ticks in a TIME(MICROS) column (DuckDB read
    /// 00:00:01 as 00:00:10); and that the source names a DateTimeOffset member the same way.
    /// </summary>
    [Fact]
    public void A_member_parquet_net_maps_wrongly_must_fail_the_sink_and_source_naming_it()
    {
        var offset = Assert.Throws<NotSupportedException>(() => ParquetSink.For<WithOffset>(_lake.Path));
        Assert.Contains("member 'At' is a DateTimeOffset", offset.Message, StringComparison.Ordinal);
        var span = Assert.Throws<NotSupportedException>(() => ParquetSink.For<WithSpans>(_lake.Path));
        Assert.Contains("member 'Legs[].Took' is a TimeSpan", span.Message, StringComparison.Ordinal);
        var time = Assert.Throws<NotSupportedException>(() => ParquetSink.For<WithTime>(_lake.Path));
        Assert.Contains("member 'Opens' is a TimeOnly", time.Message, StringComparison.Ordinal);

        var source = Assert.Throws<NotSupportedException>(() => ParquetSource.For<WithOffset>(_lake.Path));
        Assert.Contains("member 'At' is a DateTimeOffset", source.Message, StringComparison.Ordinal);
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

    public sealed class WithOffset
    {
        public int Id { get; set; }

        public DateTimeOffset? At { get; set; }
    }

    public sealed class WithSpans
    {
        public int Id { get; set; }

        public List<Leg>? Legs { get; set; }
    }

    public sealed class Leg
    {
        public TimeSpan Took { get; set; }
    }

    public sealed class WithTime
    {
        public TimeOnly Opens { get; set; }
    }
}
