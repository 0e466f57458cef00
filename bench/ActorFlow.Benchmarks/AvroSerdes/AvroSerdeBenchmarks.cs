using ActorFlow.Avro;
using ActorFlow.Avro.Registry;
using ActorFlow.Avro.Registry.Store;
using ActorFlow.Tests.Shared;
using Bench.Records;
using BenchmarkDotNet.Attributes;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;

namespace ActorFlow.Benchmarks.AvroSerdes;

/// <summary>
/// Serialize and deserialize a 10-field specific record in the Confluent wire format: ActorFlow's
/// <see cref="AvroSerde{T}"/> against Confluent.SchemaRegistry.Serdes.Avro, both on the embedded registry (schemas
/// cached after the first call, so the registry is out of the measured loop). Run:
/// <c>dotnet run -c Release --project bench/ActorFlow.Benchmarks -- --filter '*AvroSerdeBenchmarks*' --memory</c>.
/// </summary>
[MemoryDiagnoser]
public class AvroSerdeBenchmarks
{
    private static readonly SerializationContext Context = new(MessageComponentType.Value, "tx");
    private TempDirectory _dir = null!;
    private EmbeddedSchemaRegistry _registry = null!;
    private ISchemaRegistryClient _client = null!;
    private AvroSerde<Transaction> _ours = null!;
    private AvroSerializer<Transaction> _theirSerializer = null!;
    private AvroDeserializer<Transaction> _theirDeserializer = null!;
    private Transaction _record = null!;
    private byte[] _bytes = null!;

    [GlobalSetup]
    public void Setup()
    {
        _dir = new TempDirectory("actorflow-bench-avro");
        var db = Path.Combine(_dir.Path, "registry.db");
        _registry = EmbeddedSchemaRegistry.StartAsync(new EmbeddedSchemaRegistryOptions { Store = () => SqlSchemaStore.Sqlite($"Data Source={db}") }).GetAwaiter().GetResult();
        _client = SchemaRegistries.Connect(_registry.Url);
        _ours = AvroSerde.For<Transaction>(_client);
        _theirSerializer = new AvroSerializer<Transaction>(_client);
        _theirDeserializer = new AvroDeserializer<Transaction>(_client);
        _record = new Transaction
        {
            id = "tx-0001234567",
            account = 123456789,
            amount = 1234.56,
            currency = "EUR",
            timestamp = new DateTime(2026, 12, 3, 12, 0, 0, DateTimeKind.Utc),
            merchant = "Grocery Store #42",
            country = "FR",
            approved = true,
            score = 0.87f,
            items = 3,
        };
        _bytes = _ours.Serialize(_record, "tx");
        if (!_bytes.AsSpan().SequenceEqual(_theirSerializer.SerializeAsync(_record, Context).GetAwaiter().GetResult()))
        {
            throw new InvalidOperationException("the two serializers disagree on the bytes");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _client.Dispose();
        _registry.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _dir.Dispose();
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory("serialize")]
    public byte[] Confluent_serialize() => _theirSerializer.SerializeAsync(_record, Context).GetAwaiter().GetResult();

    [Benchmark]
    [BenchmarkCategory("serialize")]
    public byte[] ActorFlow_serialize() => _ours.Serialize(_record, "tx");

    [Benchmark]
    [BenchmarkCategory("deserialize")]
    public Transaction Confluent_deserialize() => _theirDeserializer.DeserializeAsync(_bytes, false, Context).GetAwaiter().GetResult();

    [Benchmark]
    [BenchmarkCategory("deserialize")]
    public Transaction ActorFlow_deserialize() => _ours.Deserialize(_bytes, "tx", 0, 0);
}
