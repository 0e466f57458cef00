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
    private readonly ConcurrentDictionary<Guid, AvroSchema> _byGuid = new();
    private readonly ConcurrentDictionary<(string Subject, string Schema), int> _ids = new();

    public ISchemaRegistryClient Client => client;

    /// <summary>The writer schema of <paramref name="id"/>; throws <see cref="RegistryFailure"/> when it cannot be had.</summary>
    public AvroSchema WriterSchema(int id)
    {
        if (_byId.TryGetValue(id, out var schema))
        {
            return schema;
        }

        var what = $"schema id {id}";
        return _byId.GetOrAdd(id, Parsed(Call(() => client.GetSchemaAsync(id, null), what), what));
    }

    /// <summary>
    /// The writer schema whose GUID is <paramref name="guid"/> (Confluent 8's schema GUIDs, which its serializers put in a
    /// record header instead of the id); throws <see cref="RegistryFailure"/> when it cannot be had.
    /// </summary>
    public AvroSchema WriterSchema(Guid guid)
    {
        if (_byGuid.TryGetValue(guid, out var schema))
        {
            return schema;
        }

        var what = $"schema guid {guid}";
        return _byGuid.GetOrAdd(guid, Parsed(Call(() => client.GetSchemaByGuidAsync(guid.ToString(), null), what), what));
    }

    // A registry's answer parsed as Avro. A schema with references (Confluent's schema references: a type defined under
    // another subject, e.g. the event types of a union of several in one topic) is parsed with the referenced types
    // first, as Confluent's deserializers do (AvroUtils.ResolveNamedSchema).
    private AvroSchema Parsed(Confluent.SchemaRegistry.Schema? registered, string what)
    {
        if (registered is null || string.IsNullOrEmpty(registered.SchemaString))
        {
            throw new RegistryFailure(AvroFailure.RegistryInvalidResponse, $"the registry returned no schema for {what}");
        }

        if (registered.SchemaType != SchemaType.Avro)
        {
            throw new RegistryFailure(AvroFailure.InvalidSchema, $"{what} is a {registered.SchemaType} schema, not Avro");
        }

        var names = registered.References is { Count: > 0 } references ? Referenced(references, new SchemaNames(), [], what) : null;
        try
        {
            return IgnoredLogicalTypes.Parse(registered.SchemaString, names);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new RegistryFailure(AvroFailure.InvalidSchema, $"{what} does not parse as Avro{(names is null ? "" : " with its references")}: {e.Message}", e);
        }
    }

    /// <summary>
    /// The named types of <paramref name="references"/> and of theirs, depth first, added to <paramref name="names"/>;
    /// a (subject, version) already parsed for this schema is not parsed again (two references to one type).
    /// </summary>
    private SchemaNames Referenced(IEnumerable<SchemaReference> references, SchemaNames names, HashSet<(string, int)> parsed, string of)
    {
        foreach (var reference in references)
        {
            if (!parsed.Add((reference.Subject, reference.Version)))
            {
                continue;
            }

            var what = $"reference '{reference.Name}' (subject {reference.Subject}, version {reference.Version}) of {of}";
            var registered = Call(() => client.GetRegisteredSchemaAsync(reference.Subject, reference.Version, false), what);
            if (registered is null || string.IsNullOrEmpty(registered.SchemaString) || registered.SchemaType != SchemaType.Avro)
            {
                throw new RegistryFailure(AvroFailure.InvalidSchema, $"the registry returned no Avro schema for {what}");
            }

            if (registered.References is { Count: > 0 } nested)
            {
                Referenced(nested, names, parsed, what);
            }

            try
            {
                IgnoredLogicalTypes.Parse(registered.SchemaString, names);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new RegistryFailure(AvroFailure.InvalidSchema, $"{what} does not parse as Avro: {e.Message}", e);
            }
        }

        return names;
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
            catch (SchemaRegistryException e) when (e.Status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                throw new RegistryFailure(AvroFailure.RegistryUnauthorized, $"the registry refused the credentials ({what}): {e.Message} (error code {e.ErrorCode})", e);
            }
            catch (SchemaRegistryException e) when (e.Status is HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity)
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
