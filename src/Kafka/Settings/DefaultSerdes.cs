using Confluent.Kafka;

namespace ActorFlow.Kafka.Settings;

/// <summary>INTERNAL API. Confluent's built-in serdes for the primitive types it supports.</summary>
internal static class DefaultSerdes
{
    public static IDeserializer<T> Deserializer<T>()
    {
        object? d = typeof(T) switch
        {
            var t when t == typeof(string) => Deserializers.Utf8,
            var t when t == typeof(byte[]) => Deserializers.ByteArray,
            var t when t == typeof(Null) => Deserializers.Null,
            var t when t == typeof(Ignore) => Deserializers.Ignore,
            var t when t == typeof(int) => Deserializers.Int32,
            var t when t == typeof(long) => Deserializers.Int64,
            var t when t == typeof(double) => Deserializers.Double,
            _ => null,
        };
        return d as IDeserializer<T> ?? throw new ArgumentException(
            $"No built-in Kafka deserializer for {typeof(T).Name}: pass one explicitly.");
    }

    public static ISerializer<T> Serializer<T>()
    {
        object? s = typeof(T) switch
        {
            var t when t == typeof(string) => Serializers.Utf8,
            var t when t == typeof(byte[]) => Serializers.ByteArray,
            var t when t == typeof(Null) => Serializers.Null,
            var t when t == typeof(int) => Serializers.Int32,
            var t when t == typeof(long) => Serializers.Int64,
            var t when t == typeof(double) => Serializers.Double,
            _ => null,
        };
        return s as ISerializer<T> ?? throw new ArgumentException(
            $"No built-in Kafka serializer for {typeof(T).Name}: pass one explicitly.");
    }
}
