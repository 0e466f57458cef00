using System.Buffers;
using System.Globalization;
using System.Text;
using ActorFlow.Avro.Kafka;
using ActorFlow.Avro.Tests.Records;
using ActorFlow.Avro.Tests.Support;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.State;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Persistence.Config;
using ActorFlow.Tests.Shared;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Akka.Actor;
using Avro;
using Avro.Generic;

namespace ActorFlow.Avro.Tests.Evolution;

/// <summary>
/// Keyed state in Avro through <c>Serializers.Avro&lt;T&gt;()</c>: a savepoint written with version 1 of the state's
/// schema restores into a job whose state type is version 2 (a field added with a default).
/// </summary>
public sealed class StateEvolutionSpec : IAsyncLifetime
{
    private static readonly Schema AccountV1 = Schema.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Schemas", "account_v1.avsc")));
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["tx"] = 2, ["balances"] = 1 } });
    private readonly TempDirectory _data = new("actorflow-avro-state");
    private RegistryFixture _registry = null!;

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        _kafka.Dispose();
        _data.Dispose();
    }

    /// <summary>Verify the serializer alone: v1 bytes read as v2 with the default, and v2 bytes read as v2.</summary>
    [Fact]
    public void Values_written_with_version_1_must_read_as_version_2()
    {
        var v1 = new GenericRecord((RecordSchema)AccountV1);
        v1.Add("id", "a");
        v1.Add("balance", 7L);
        var buffer = new ArrayBufferWriter<byte>();
        Serializers.AvroGeneric(AccountV1).Write(new StateWriter(buffer), v1);
        Serializers.Avro<Account>().Write(new StateWriter(buffer), new Account { id = "b", balance = 9, currency = "CHF" });

        var reader = new StateReader(buffer.WrittenSpan);
        var upgraded = Serializers.Avro<Account>().Read(ref reader);
        var same = Serializers.Avro<Account>().Read(ref reader);

        Assert.Equal(("a", 7L, "EUR"), (upgraded.id, upgraded.balance, upgraded.currency));
        Assert.Equal(("b", 9L, "CHF"), (same.id, same.balance, same.currency));
        Assert.Equal(0, reader.Remaining);
    }

    /// <summary>Verify that state written with a schema the current type cannot resolve fails the read naming the field and the rule.</summary>
    [Fact]
    public void Unresolvable_state_must_fail_naming_field_and_rule()
    {
        var other = Schema.Parse("""{"type":"record","name":"Account","namespace":"ActorFlow.Avro.Tests.Records","fields":[{"name":"id","type":"string"}]}""");
        var record = new GenericRecord((RecordSchema)other);
        record.Add("id", "x");
        var buffer = new ArrayBufferWriter<byte>();
        Serializers.AvroGeneric(other).Write(new StateWriter(buffer), record);

        var e = Assert.Throws<InvalidDataException>(() =>
        {
            var reader = new StateReader(buffer.WrittenSpan);
            return Serializers.Avro<Account>().Read(ref reader);
        });

        Assert.Contains("balance", e.Message, StringComparison.Ordinal);
        Assert.Contains("READER_FIELD_MISSING_DEFAULT_VALUE", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Verify the upgrade path: a v1 job keeps balances per account in Avro state of schema v1; a savepoint; a v2 job whose
    /// state type gained <c>currency</c> (default EUR) starts from it, and every balance goes on from the restored value
    /// with the default currency. The records crossing the keyed step travel with <c>Serializers.Avro&lt;Transaction&gt;()</c>.
    /// </summary>
    [Fact]
    public async Task A_v1_savepoint_must_restore_into_the_v2_state_type()
    {
        var serde = AvroSerde.For<Transaction>(_registry.Client);
        var first = Enumerable.Range(0, 600).Select(Samples.Transaction).ToList();
        var second = Enumerable.Range(600, 400).Select(Samples.Transaction).ToList();
        Topics.Produce(_kafka, "tx", first.Select(t => serde.Serialize(t, "tx")));

        var v1 = await ActorFlowCluster.StartNodeAsync("avro-state", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var job = await JobRunner.StartAsync(v1, Job(v1, serde, () => new BalanceV1()), new JobRunnerOptions { CheckpointInterval = null });
            await Topics.AwaitAsync(() => Topics.Read(_kafka, "balances").Count >= first.Count, TimeSpan.FromSeconds(60), () => $"v1: {Topics.Read(_kafka, "balances").Count}");
            await job.SavepointAsync("v1").WaitAsync(TimeSpan.FromSeconds(60));
            await job.StopAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, job.Restarts);
        }
        finally
        {
            await v1.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        var v2 = await ActorFlowCluster.StartNodeAsync("avro-state", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var job = await JobRunner.StartAsync(v2, Job(v2, serde, () => new BalanceV2()), new JobRunnerOptions { CheckpointInterval = null, FromSavepoint = "v1" });
            Topics.Produce(_kafka, "tx", second.Select(t => serde.Serialize(t, "tx")));
            await Topics.AwaitAsync(() => Topics.Read(_kafka, "balances").Count >= first.Count + second.Count, TimeSpan.FromSeconds(60), () => $"v2: {Topics.Read(_kafka, "balances").Count}");
            await job.StopAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(0, job.Restarts);
        }
        finally
        {
            await v2.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        var lines = Topics.Read(_kafka, "balances").Select(r => Encoding.UTF8.GetString(r.Value!).Split('|')).ToList();
        Assert.Equal(first.Count + second.Count, lines.Count);
        var final = lines.GroupBy(l => l[0]).ToDictionary(g => g.Key, g => g.Last());
        var expected = first.Concat(second).GroupBy(t => t.account.ToString(CultureInfo.InvariantCulture)).ToDictionary(g => g.Key, g => g.Sum(t => (long)t.amount));
        Assert.Equal(expected.Keys.Order(), final.Keys.Order());
        foreach (var (account, line) in final)
        {
            Assert.Equal(expected[account].ToString(CultureInfo.InvariantCulture), line[1]);
            Assert.Equal("EUR", line[2]); // every account existed in v1: its currency is the schema default, not the v2 code's "NEW".
        }

        Assert.Equal(first.Count, lines.Count(l => l[2] == "v1"));
        Assert.Equal(second.Count, lines.Count(l => l[2] == "EUR"));
    }

    private StreamJob Job(ActorSystem system, AvroSerde<Transaction> serde, Func<KeyedProcessFunction<long, Transaction, string>> function)
    {
        var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("balances");
        var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers);
        return StreamJobBuilder.Create("balances")
            .WithSerializers(new SerializerRegistry().RegisterAvro<Transaction>())
            .FromSource("tx", KafkaConnectors.Source(consumer, Subscriptions.Topics("tx"), serde), WatermarkStrategy<Transaction>.NoWatermarks())
            .KeyBy(t => t.account)
            .Process("balance", () => KeyedProcessOperators.Create(function()))
            .To(KafkaConnectors.Sink<string>(producer, "balances", s => (null, Encoding.UTF8.GetBytes(s))))
            .Build();
    }

    /// <summary>Version 1 of the application: the balance in a v1 <c>Account</c> (generic record of schema v1).</summary>
    private sealed class BalanceV1 : KeyedProcessFunction<long, Transaction, string>
    {
        private IValueState<GenericRecord> _account = null!;

        public override void Open(IKeyedStateStore state) =>
            _account = state.GetState(new ValueStateDescriptor<GenericRecord>("account", Serializers.AvroGeneric(AccountV1)));

        public override void ProcessElement(Transaction value, Context context, ICollector<string> output)
        {
            var account = _account.Value ?? New(context.CurrentKey);
            var updated = new GenericRecord((RecordSchema)AccountV1);
            updated.Add("id", account["id"]);
            updated.Add("balance", (long)account["balance"] + (long)value.amount);
            _account.Update(updated);
            output.Collect($"{context.CurrentKey}|{updated["balance"]}|v1");
        }

        private static GenericRecord New(long key)
        {
            var record = new GenericRecord((RecordSchema)AccountV1);
            record.Add("id", key.ToString(CultureInfo.InvariantCulture));
            record.Add("balance", 0L);
            return record;
        }
    }

    /// <summary>Version 2: the state type is the generated v2 <see cref="Account"/>; new accounts say currency "NEW".</summary>
    private sealed class BalanceV2 : KeyedProcessFunction<long, Transaction, string>
    {
        private IValueState<Account> _account = null!;

        public override void Open(IKeyedStateStore state) =>
            _account = state.GetState(new ValueStateDescriptor<Account>("account", Serializers.Avro<Account>()));

        public override void ProcessElement(Transaction value, Context context, ICollector<string> output)
        {
            var account = _account.Value ?? new Account { id = context.CurrentKey.ToString(CultureInfo.InvariantCulture), balance = 0, currency = "NEW" };
            var updated = new Account { id = account.id, balance = account.balance + (long)value.amount, currency = account.currency };
            _account.Update(updated);
            output.Collect($"{context.CurrentKey}|{updated.balance}|{updated.currency}");
        }
    }
}
