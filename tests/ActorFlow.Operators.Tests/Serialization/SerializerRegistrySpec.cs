using System.Buffers;
using ActorFlow.Operators.Serialization;

namespace ActorFlow.Operators.Tests.Serialization;

public sealed class SerializerRegistrySpec
{
    /// <summary>Verify that built-in serializers round-trip their values.</summary>
    [Fact]
    public void Builtin_serializers_must_round_trip()
    {
        var registry = new SerializerRegistry();
        Assert.Equal("héllo", RoundTrip(registry.Get<string>(), "héllo"));
        Assert.Null(RoundTrip(registry.Get<string>(), null!));
        Assert.Equal(-5L, RoundTrip(registry.Get<long>(), -5L));
        Assert.Equal(1.25m, RoundTrip(registry.Get<decimal>(), 1.25m));
        Assert.Equal([1, 2, 3], RoundTrip(registry.Get<byte[]>(), [1, 2, 3]));
        var guid = Guid.NewGuid();
        Assert.Equal(guid, RoundTrip(registry.Get<Guid>(), guid));
        Assert.Equal((3L, "x"), RoundTrip(registry.Get<(long, string)>(), (3L, "x")));
    }

    /// <summary>Verify that asking for an unregistered type names the type.</summary>
    [Fact]
    public void An_unregistered_type_must_be_reported_by_name()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SerializerRegistry().Get<Uri>());
        Assert.Contains("System.Uri", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that a truncated snapshot is reported as corrupt data.</summary>
    [Fact]
    public void A_truncated_snapshot_must_throw_InvalidDataException()
    {
        var ex = Record.Exception(() =>
        {
            var reader = new StateReader(new byte[3]);
            reader.ReadInt64();
        });
        Assert.IsType<InvalidDataException>(ex);
    }

    private static T RoundTrip<T>(ITypeSerializer<T> serializer, T value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        serializer.Write(new StateWriter(buffer), value);
        var reader = new StateReader(buffer.WrittenSpan);
        return serializer.Read(ref reader);
    }
}
