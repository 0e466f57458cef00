using System.Buffers;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.Windowing;

namespace ActorFlow.Docs.Tests.Runtime;

/// <summary>An accumulator whose second field was added in version 2 of its serializer.</summary>
/// <param name="Count">The number of clicks.</param>
/// <param name="Max">The latest click time (version 2; 0 when read from version 1).</param>
public sealed record Tally(long Count, long Max);

/// <summary>docs/runtime.md, "State schema versioning": the versioned serializer example, run.</summary>
public sealed class VersionedSerializerSnippetSpec
{
    /// <summary>Verify that the documented version 2 serializer reads a version 1 value with the new field defaulted, and its own values whole.</summary>
    [Fact]
    public void A_documented_versioned_serializer_must_read_version_1_values_with_the_new_field_defaulted()
    {
        var assigner = TumblingEventTimeWindows.Of(TimeSpan.FromMinutes(1));
        // begin-snippet: runtime-versioned-serializer
        var tally = Serializers.Versioned<Tally>(2,
            (w, t) => { w.WriteInt64(t.Count); w.WriteInt64(t.Max); },
            (ref StateReader r, int version) => new Tally(r.ReadInt64(), version >= 2 ? r.ReadInt64() : 0));
        var builder = WindowOperators.For<string, Click>(assigner).WithSerializers(new SerializerRegistry().Register(tally));
        // end-snippet
        var version1 = Serializers.Versioned<Tally>(1, (w, t) => w.WriteInt64(t.Count), (ref StateReader r, int _) => new Tally(r.ReadInt64(), 0));

        Assert.NotNull(builder);
        Assert.Equal(new Tally(3, 0), RoundTrip(version1, tally, new Tally(3, 99)));
        Assert.Equal(new Tally(3, 99), RoundTrip(tally, tally, new Tally(3, 99)));
    }

    private static Tally RoundTrip(ITypeSerializer<Tally> writer, ITypeSerializer<Tally> reader, Tally value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        writer.Write(new StateWriter(buffer), value);
        var r = new StateReader(buffer.WrittenSpan);
        return reader.Read(ref r);
    }
}
