using ActorFlow.Avro;
using ActorFlow.Avro.CodeGen;
using ActorFlow.Avro.Json;
using ActorFlow.Avro.Kafka;
using ActorFlow.Avro.Registry;
using ActorFlow.Avro.Settings;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.State;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Akka.Actor;
using Shop.Payments;

namespace ActorFlow.Docs.Tests.AvroDocs;

/// <summary>
/// docs/avro.md's examples: compiled, not run (they need a Kafka); tests/ActorFlow.Avro.Tests runs the same calls end
/// to end (AvroJobSpec, StateEvolutionSpec, MixedFormatSpec, AvroCodeGeneratorSpec).
/// </summary>
public static class AvroSnippets
{
    /// <summary>Generates the record classes of the docs' schemas.</summary>
    /// <returns>The files written.</returns>
    public static IReadOnlyList<string> Generate()
    {
        // begin-snippet: avro-codegen
        // One .cs per record, enum and fixed, in the record's namespace (Shop.Payments here).
        var written = AvroCodeGenerator.Generate(["Avro/Schemas/payment.avsc", "Avro/Schemas/balance.avsc"], "Avro/Generated");
        // end-snippet
        return written;
    }

    /// <summary>The job of the docs, from the registry to the running job.</summary>
    /// <param name="system">The node.</param>
    /// <param name="consumer">Consumer settings.</param>
    /// <param name="producer">Producer settings.</param>
    /// <returns>When the job has stopped.</returns>
    public static async Task RunAsync(ActorSystem system, ConsumerSettings<byte[], byte[]> consumer, ProducerSettings<byte[], byte[]> producer)
    {
        // begin-snippet: avro-registry
        // The job host's registry, started on first use and stopped with the actor system: the one at
        // actorflow.avro.registry.url, or (empty, the default) an embedded one whose schemas live in the state store.
        var registry = SchemaRegistryExtension.Get(system);
        var payments = registry.Serde<Payment>();
        var balances = registry.Serde<Balance>();
        // end-snippet

        // begin-snippet: avro-job
        var job = StreamJobBuilder.Create("balances")
            .WithSerializers(new SerializerRegistry().RegisterAvro<Payment>())
            .WithDeadLetters(KafkaConnectors.DeadLetters(producer, "payments-dead", AvroSerde.Generic(registry.Client)))
            .FromSource("payments", KafkaConnectors.Source(consumer, Subscriptions.Topics("payments"), payments),
                WatermarkStrategy<Payment>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(5))
                    .WithTimestampAssigner((p, _) => new DateTimeOffset(p.time).ToUnixTimeMilliseconds()))
            .KeyBy(p => p.account)
            .Process("balance", () => KeyedProcessOperators.Create(new BalanceFunction()))
            .To(KafkaConnectors.ExactlyOnceSink(producer, "balances", balances, b => Confluent.Kafka.Serializers.Int64.Serialize(b.account, Confluent.Kafka.SerializationContext.Empty)))
            .Build();
        var running = await JobRunner.StartAsync(system, job);
        // end-snippet
        await running.Completion;
    }

    /// <summary>The migration source of the docs.</summary>
    /// <param name="registry">The registry.</param>
    /// <param name="consumer">Consumer settings.</param>
    /// <returns>The source and the deserializer that counts formats.</returns>
    public static (ISourceConnector<Payment> Source, MixedFormatDeserializer<Payment> Formats) Migration(SchemaRegistryHost registry, ConsumerSettings<byte[], byte[]> consumer)
    {
        // begin-snippet: avro-migration
        // Old producers send JSON documents, upgraded ones Avro: each record is told apart by its first bytes.
        var mixed = new MixedFormatDeserializer<Payment>(AvroSerde.For<Payment>(registry.Client), new JsonSerde<Payment>());
        var source = KafkaConnectors.Source(consumer, Subscriptions.Topics("payments"), mixed);

        // The counter actorflow.records.format{format=json} (or mixed.Count(RecordFormat.Json)) stays flat once the
        // last JSON producer is upgraded; then switch the source to AvroSerde.For<Payment>(...).
        // end-snippet
        return (source, mixed);
    }
}

// begin-snippet: avro-state
/// <summary>Keeps each account's balance in Avro state: <c>Serializers.Avro&lt;Balance&gt;()</c> stores the writer schema
/// with each value, so state saved by version 1 of <see cref="Balance"/> restores into version 2.</summary>
public sealed class BalanceFunction : KeyedProcessFunction<long, Payment, Balance>
{
    private IValueState<Balance> _balance = null!;

    /// <inheritdoc/>
    public override void Open(IKeyedStateStore state) =>
        _balance = state.GetState(new ValueStateDescriptor<Balance>("balance", Serializers.Avro<Balance>()));

    /// <inheritdoc/>
    public override void ProcessElement(Payment value, Context context, ICollector<Balance> output)
    {
        var old = _balance.Value ?? new Balance { account = value.account };
        var updated = new Balance { account = old.account, total = old.total + value.amount, payments = old.payments + 1 };
        _balance.Update(updated);
        output.Collect(updated);
    }
}

// end-snippet
