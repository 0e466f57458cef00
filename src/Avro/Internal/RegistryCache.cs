using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Avro;
using Confluent.SchemaRegistry;
using AvroSchema = Avro.Schema;

namespace ActorFlow.Avro.Internal;

/// <summary>
/// INTERNAL API. Parsed writer schemas by id and registered ids by (subject, schema), in front of a Confluent
/// <see cref="ISchemaRegistryClient"/>. Answers once obtained are kept for the life of the process, so a registry that
/// goes down later does not stop records whose schemas were seen already. Calls that cannot reach the registry are
/// retried with a doubling delay. Thread-safe.
/// </summary>
internal sealed class RegistryCache(ISchemaRegistryClient client, AvroSerdeOptions options)
{
    private readonly ConcurrentDictionary<int, AvroSchema> _byId = new();
    private readonly ConcurrentDictionary<(string Subject, string Schema), int> _ids = new();

    public ISchemaRegistryClient Client => client;

    /// <summary>The writer schema of <paramref name="id"/>; throws <see cref="RegistryFailure"/> when it cannot be had.</summary>
    public AvroSchema WriterSchema(int id)
    {
        if (_byId.TryGetValue(id, out var schema))
        {
            return schema;
        }

        var registered = Call(() => client.GetSchemaAsync(id, null), $"schema id {id}");
        if (registered is null || string.IsNullOrEmpty(registered.SchemaString))
        {
            throw new RegistryFailure(AvroFailure.RegistryInvalidResponse, $"the registry returned no schema for id {id}");
        }

        if (registered.SchemaType != SchemaType.Avro)
        {
            throw new RegistryFailure(AvroFailure.InvalidSchema, $"schema id {id} is a {registered.SchemaType} schema, not Avro");
        }

        try
        {
            schema = IgnoredLogicalTypes.Parse(registered.SchemaString);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new RegistryFailure(AvroFailure.InvalidSchema, $"schema id {id} does not parse as Avro: {e.Message}", e);
        }

        return _byId.GetOrAdd(id, schema);
    }

    /// <summary>The id of <paramref name="schema"/> under <paramref name="subject"/>, registering it when <paramref name="register"/>.</summary>
    public int IdFor(string subject, AvroSchema schema, string schemaText, bool register)
    {
        if (_ids.TryGetValue((subject, schemaText), out var id))
        {
            return id;
        }

        id = register
            ? Call(() => client.RegisterSchemaAsync(subject, new Confluent.SchemaRegistry.Schema(schemaText, SchemaType.Avro), false), $"registering under subject {subject}")
            : Call(() => client.GetSchemaIdAsync(subject, new Confluent.SchemaRegistry.Schema(schemaText, SchemaType.Avro), false), $"looking up under subject {subject}");
        _byId.TryAdd(id, ExactLogicalTypes.Own(schema));
        return _ids.GetOrAdd((subject, schemaText), id);
    }

    private TResult Call<TResult>(Func<Task<TResult>> call, string what)
    {
        var delay = options.RegistryRetryDelay;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return call().GetAwaiter().GetResult();
            }
            catch (SchemaRegistryException e) when (e.Status == HttpStatusCode.NotFound)
            {
                throw new RegistryFailure(AvroFailure.UnknownSchemaId, $"the registry does not know it ({what}): {e.Message} (error code {e.ErrorCode})", e);
            }
            catch (SchemaRegistryException e) when (e.Status is HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity or HttpStatusCode.Forbidden)
            {
                throw new RegistryFailure(AvroFailure.RegistrationRefused, $"the registry refused ({what}): {e.Message} (error code {e.ErrorCode})", e);
            }
            catch (SchemaRegistryException e) when ((int)e.Status < 500)
            {
                throw new RegistryFailure(AvroFailure.RegistryInvalidResponse, $"the registry answered {(int)e.Status} ({what}): {e.Message} (error code {e.ErrorCode})", e);
            }
            catch (Exception e) when (IsUnreachable(e))
            {
                if (attempt >= options.RegistryRetries)
                {
                    throw new RegistryFailure(AvroFailure.RegistryUnavailable, $"the registry could not be reached after {attempt + 1} attempts ({what}): {e.Message}", e);
                }
            }
            catch (Exception e) when (e is JsonException or Newtonsoft.Json.JsonException or FormatException or InvalidOperationException or HttpRequestException)
            {
                throw new RegistryFailure(AvroFailure.RegistryInvalidResponse, $"the registry's answer could not be read ({what}): {e.Message}", e);
            }

            Thread.Sleep(delay);
            delay *= 2;
        }
    }

    private static bool IsUnreachable(Exception e) => e switch
    {
        SchemaRegistryException sr => (int)sr.Status >= 500,
        HttpRequestException { StatusCode: null } => true,
        HttpRequestException { StatusCode: { } code } => (int)code >= 500,
        TaskCanceledException or TimeoutException => true,
        AggregateException agg => agg.InnerExceptions.All(IsUnreachable),
        _ => false,
    };
}

/// <summary>INTERNAL API. A registry call failed; the serde adds the record's position.</summary>
internal sealed class RegistryFailure(AvroFailure failure, string message, Exception? inner = null) : Exception(message, inner)
{
    public AvroFailure Failure => failure;
}
