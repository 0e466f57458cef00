using ActorFlow.Operators.Watermarks;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Runtime.Internal;
using Microsoft.Extensions.Time.Testing;

namespace ActorFlow.Topology.Tests.DataPath;

/// <summary>
/// A source's only consumer routed as the assigner stamps each record (<see cref="IRecordRoute{T, TOut}"/>) gives the
/// chunk the assigner and the consumer's step over the stamped chunk give: the same records, offsets, watermarks and
/// dead letters in the same order (the chunk's own failures first, then the step's).
/// </summary>
public sealed class FusedRouteSpec
{
    private const string P0 = "clicks/0";

    private static readonly WatermarkStrategy<string> Strategy = WatermarkStrategy<string>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1))
        .WithTimestampAssigner((v, ts) => v == "no-time" ? throw new InvalidOperationException("no time") : ts);

    /// <summary>
    /// Verify chunks of good records, an undecodable one, one the timestamp assigner fails on and ones the route fails
    /// on (before the others in offset order), then a tick, the partition's end and the input's end.
    /// </summary>
    [Fact]
    public void A_fused_route_must_give_the_chunks_of_the_assigner_and_the_step()
    {
        var route = new Upper();
        var inputs = new[]
        {
            new Incoming<string>(P0, []),
            new Incoming<string>(P0,
            [
                new SourceRecord<string>("refused", 1_000, P0, 0, null, [1], [2]),
                new SourceRecord<string>("a", 2_000, P0, 1),
                new SourceRecord<string>(null, 2_500, P0, 2, new FormatException("bad json"), null, [3]),
                new SourceRecord<string>("no-time", 3_000, P0, 3),
                new SourceRecord<string>("b", 4_000, P0, 4),
                new SourceRecord<string>("refused", 5_000, P0, 5),
            ]),
            new Incoming<string>(null, null),
            new Incoming<string>(P0, null, End: true),
            new Incoming<string>(null, null, End: true),
        };
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));
        var plain = new WatermarkAssigner<string>(Strategy, time);
        var fused = new WatermarkAssigner<string>(Strategy, time);

        foreach (var incoming in inputs)
        {
            var expected = plain.OnIncoming(incoming).Select(e => Routed(route, e.Value), route.Step);
            var actual = fused.OnIncoming(incoming, route);

            Assert.Equal(expected.Origin, actual.Origin);
            Assert.Equal(expected.NextOffset, actual.NextOffset);
            Assert.Equal(expected.Watermark, actual.Watermark);
            Assert.Equal(expected.IsEndOfInput, actual.IsEndOfInput);
            Assert.Equal(expected.SourceIdle, actual.SourceIdle);
            Assert.Equal(expected.Items.Take(expected.Count), actual.Items.Take(actual.Count));
            Assert.Equal(
                expected.Dead?.Select(d => (d.Reason, d.Origin, d.Offset, d.Operator, Key: d.Key is null ? "" : string.Join(",", d.Key), Value: d.Value is null ? "" : string.Join(",", d.Value))),
                actual.Dead?.Select(d => (d.Reason, d.Origin, d.Offset, d.Operator, Key: d.Key is null ? "" : string.Join(",", d.Key), Value: d.Value is null ? "" : string.Join(",", d.Value))));
        }
    }

    /// <summary>
    /// Verify that a Where and a Select in front of a sink, fused into the source, give the records and dead letters the
    /// steps give over the stamped chunk: what the Where drops is read (counted in <see cref="Chunk{T}.Folded"/>), and a
    /// record a step throws on is that step's dead letter with its position and bytes.
    /// </summary>
    [Fact]
    public void A_fused_where_and_select_must_give_the_chunks_of_the_steps()
    {
        var terminal = new FilterTerminal<string>(
            v => v == "bad-where" ? throw new InvalidOperationException("where failed") : !v.StartsWith('-'),
            new SelectTerminal<string, string>(v => v == "bad-select" ? throw new ArgumentException("select failed") : v.ToUpperInvariant(), new SinkTerminal<string>(3), "Select"),
            "Where");
        var route = terminal.Fused;
        Assert.NotNull(route);
        var incoming = new Incoming<string>(P0,
        [
            new SourceRecord<string>("a", 1_000, P0, 0),
            new SourceRecord<string>("-dropped", 1_500, P0, 1),
            new SourceRecord<string>("bad-select", 2_000, P0, 2, null, [1], [2]),
            new SourceRecord<string>("no-time", 2_500, P0, 3),
            new SourceRecord<string>("bad-where", 3_000, P0, 4, null, null, [4]),
            new SourceRecord<string>("b", 3_500, P0, 5),
            new SourceRecord<string>("-also-dropped", 4_000, P0, 6),
        ]);
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));
        var plain = new WatermarkAssigner<string>(Strategy, time);
        var fused = new WatermarkAssigner<string>(Strategy, time);
        plain.OnIncoming(new Incoming<string>(P0, []));
        fused.OnIncoming(new Incoming<string>(P0, []));

        var expected = terminal.OnChunk(plain.OnIncoming(incoming));
        var actual = fused.OnIncoming(incoming, route);

        Assert.Equal(expected.Items.Take(expected.Count), actual.Items.Take(actual.Count));
        Assert.Equal(["A", "B"], actual.Items.Take(actual.Count).Select(e => (string)e.Value.Value!));
        Assert.Equal(2, actual.Folded); // the two the Where dropped: read, not routed
        Assert.Equal(expected.NextOffset, actual.NextOffset);
        Assert.Equal(expected.Watermark, actual.Watermark);
        static string Letter(DeadLetterRecord d) => $"{d.Operator}|{d.Origin}|{d.Offset}|{d.Reason}|{(d.Key is null ? "" : string.Join(",", d.Key))}|{(d.Value is null ? "" : string.Join(",", d.Value))}";
        Assert.Equal(expected.Dead!.Select(Letter).Order(StringComparer.Ordinal), actual.Dead!.Select(Letter).Order(StringComparer.Ordinal));
        Assert.Equal(3, actual.Dead!.Count); // the timestamp's, the Select's and the Where's
    }

    private static string Routed(IRecordRoute<string, string> route, string value)
    {
        Assert.True(route.TryRoute(value, 0, out var routed));
        return routed;
    }

    private sealed class Upper : IRecordRoute<string, string>
    {
        public string Step => "upper";

        public bool TryRoute(string value, long timestamp, out string routed)
        {
            routed = value == "refused" ? throw new ArgumentException("refused by the step") : value.ToUpperInvariant();
            return true;
        }
    }
}
