using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ActorFlow.Avro.Json;

/// <summary>
/// Values of <typeparamref name="T"/> as UTF-8 JSON documents (System.Text.Json), for topics that are not Avro yet.
/// A generated Avro record's <c>Schema</c> property is left out, so the same generated class serves both formats.
/// Thread-safe.
/// </summary>
/// <typeparam name="T">The value type.</typeparam>
public sealed class JsonSerde<T> : IRecordDeserializer<T>, IRecordSerializer<T>
{
    private readonly JsonSerializerOptions _options;

    /// <summary>Creates the serde.</summary>
    /// <param name="options">Serializer options; System.Text.Json's defaults (property names as declared, case-sensitive) when null.</param>
    public JsonSerde(JsonSerializerOptions? options = null)
    {
        _options = new JsonSerializerOptions(options ?? JsonSerializerOptions.Default)
        {
            TypeInfoResolver = (options?.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(WithoutAvroSchema),
        };
        _options.MakeReadOnly();
    }

    /// <inheritdoc/>
    public byte[] Serialize(T value, string topic, bool isKey = false)
    {
        try
        {
            return JsonSerializer.SerializeToUtf8Bytes(value, _options);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new AvroSerdeException(AvroFailure.InvalidValue, topic, -1, -1, -1, $"the value cannot be written as JSON: {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    public T Deserialize(byte[]? payload, string? topic = null, int partition = -1, long offset = -1)
    {
        if (payload is null)
        {
            return default!;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(payload, _options)!;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException or FormatException)
        {
            throw new AvroSerdeException(AvroFailure.InvalidJson, topic, partition, offset, -1, e.Message, e);
        }
    }

    private static void WithoutAvroSchema(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object || !typeof(global::Avro.Specific.ISpecificRecord).IsAssignableFrom(info.Type))
        {
            return;
        }

        for (var i = info.Properties.Count - 1; i >= 0; i--)
        {
            if (typeof(global::Avro.Schema).IsAssignableFrom(info.Properties[i].PropertyType))
            {
                info.Properties.RemoveAt(i);
            }
        }
    }
}
