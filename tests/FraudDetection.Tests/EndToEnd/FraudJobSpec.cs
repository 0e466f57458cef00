using ActorFlow.Avro;
using ActorFlow.Avro.Kafka;
using ActorFlow.Avro.Registry;
using ActorFlow.Avro.Registry.Store;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.TestKit;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Akka.Configuration;
using FraudDetection.Records;
using FraudDetection.Rules;

namespace FraudDetection.Tests.EndToEnd;

/// <summary>
/// The fraud job under the TestKit's job harness (the example to copy for testing a job): Avro topics on the embedded
/// broker and a schema registry, a rule changed mid-stream, a crash and a restore between the transactions, a bad rule
/// change dead-lettered.
/// </summary>
public sealed class FraudJobSpec : IAsyncLifetime
{
    private const long T0 = 1_795_611_600_000;
    private EmbeddedSchemaRegistry _registry = null!;
    private ActorFlow.Tests.Shared.TempDirectory _schemas = null!;

    public async Task InitializeAsync()
    {
        _schemas = new ActorFlow.Tests.Shared.TempDirectory("fraud-job-registry");
        _registry = await EmbeddedSchemaRegistry.StartAsync(new EmbeddedSchemaRegistryOptions
        {
            Store = () => SqlSchemaStore.Sqlite($"Data Source={Path.Combine(_schemas.Path, "schemas.db")}"),
        });
    }

    public async Task DisposeAsync()
    {
        await _registry.DisposeAsync();
        ActorFlow.Persistence.Sql.SqliteConnections.ClearAllPools();
        _schemas.Dispose();
    }

    /// <summary>
    /// Verify that a rule change applies from its effective time, survives a crash with the checkpoint, and that a bad
    /// change becomes a dead letter: 200.00 after a small one is no alert before the change (large over 500.00) and one
    /// after it (large over 100.00), before and after the restore.
    /// </summary>
    [Fact]
    public async Task A_rule_change_must_apply_from_its_time_and_survive_a_restore()
    {
        await using var h = await JobHarness.StartAsync(new JobHarnessOptions
        {
            Topics = new Dictionary<string, int> { ["transactions"] = 1, ["rules"] = 1, ["alerts"] = 1, ["late"] = 1, ["dead"] = 1 },
            NodeConfig = ConfigurationFactory.ParseString($"actorflow.avro.registry.url = \"{_registry.Url}\""),
        });
        var client = SchemaRegistries.Connect(_registry.Url, TimeSpan.FromSeconds(10));
        var transactions = h.Topic("transactions", TopicFormat.Avro(AvroSerde.For<Transaction>(client), "transactions", t => t.accountId, t => t.Time));
        var rules = h.Topic("rules", TopicFormat.Avro(AvroSerde.For<RuleChange>(client), "rules", r => r.rule, r => r.EffectiveFrom));
        var alerts = h.Topic("alerts", TopicFormat.Avro(AvroSerde.For<Alert>(client), "alerts", a => a.accountId));

        rules.Produce([
            new RuleChange { rule = RuleNames.SmallThenLarge, effectiveFrom = EventTime.Utc(T0 + 60_000), largeAbove = 100.00 },
            new RuleChange { rule = "nope", effectiveFrom = EventTime.Utc(T0), maxCount = 1 },
        ]);
        transactions.Produce([
            Transaction.Create("a1", "acct-1", T0, 0.50),
            Transaction.Create("a2", "acct-1", T0 + 10_000, 200.00),          // before the change: not large
            Transaction.Create("b1", "acct-2", T0 + 70_000, 0.50),
            Transaction.Create("b2", "acct-2", T0 + 80_000, 200.00),          // after it: large
        ]);
        await h.StartJobAsync(Build, new JobRunnerOptions { CheckpointInterval = null });
        await Poll.UntilAsync(() => h.Job.CurrentWatermark >= T0 + 80_000 - 5_000 - 1, TimeSpan.FromSeconds(60), "the first transactions read");
        await h.CheckpointAsync();
        await h.KillAsync();
        await h.RestoreAsync();

        transactions.Produce([
            Transaction.Create("c1", "acct-3", T0 + 120_000, 0.50),
            Transaction.Create("c2", "acct-3", T0 + 130_000, 200.00),         // the restored change still holds
        ]);
        transactions.ProduceToEveryPartition(Transaction.Create("end", "zz-end", T0 + 10_000_000, 1.00));
        await Poll.UntilAsync(
            async () =>
            {
                await h.CheckpointAsync();
                return alerts.ReadToEnd().Count >= 2;
            },
            TimeSpan.FromSeconds(90),
            () => $"two alerts, have {alerts.ReadToEnd().Count}");
        await h.StopJobAsync();

        OutputAssert.Equivalent(
            [$"small-then-large acct-2 {T0 + 80_000} [b1,b2]", $"small-then-large acct-3 {T0 + 130_000} [c1,c2]"],
            alerts.ReadToEnd().Select(a => a.ToString()).ToList());
        var dead = Assert.Single(h.ReadDeadLetters("dead"));
        Assert.Contains("unknown rule 'nope'", dead.Reason, StringComparison.Ordinal);
    }

    private static StreamJob Build(JobHarness h)
    {
        var registry = SchemaRegistryExtension.Get(h.System);
        var consumer = h.ConsumerSettings("fraud");
        var producer = h.ProducerSettings();
        return FraudJob.Build(
            new FraudJobIo(
                KafkaConnectors.Source(consumer, Subscriptions.Topics("transactions"), registry.Serde<Transaction>()),
                KafkaConnectors.Source(consumer, Subscriptions.Topics("rules"), registry.Serde<RuleChange>()),
                [KafkaConnectors.ExactlyOnceSink(producer, "alerts", registry.Serde<Alert>(), a => System.Text.Encoding.UTF8.GetBytes(a.accountId))],
                KafkaConnectors.Sink(producer, "late", registry.Serde<Transaction>()),
                KafkaConnectors.DeadLetters(producer, "dead")),
            RuleDefaults.Default);
    }
}
