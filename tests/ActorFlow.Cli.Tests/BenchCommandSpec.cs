using System.Text.Json;
using ActorFlow.Cli;
using ActorFlow.Kafka.Embedded;
using Confluent.Kafka;

namespace ActorFlow.Cli.Tests;

/// <summary>`actorflow bench kafka`: raw produce and consume rates of a cluster or of the embedded broker.</summary>
public sealed class BenchCommandSpec
{
    /// <summary>Verify that a run on the embedded broker produces and reads back every record and reports both rates as JSON.</summary>
    [Fact]
    public async Task An_embedded_run_must_report_both_rates()
    {
        var (code, output, error) = await RunAsync("bench", "kafka", "--records", "20000", "--partitions", "4", "--value-bytes", "50", "--json");

        Assert.True(code == 0, error);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.True(json.GetProperty("embedded").GetBoolean());
        Assert.Equal(4, json.GetProperty("partitions").GetInt32());
        foreach (var phase in new[] { "produce", "consume" })
        {
            Assert.Equal(20000, json.GetProperty(phase).GetProperty("records").GetInt32());
            Assert.True(json.GetProperty(phase).GetProperty("recordsPerSecond").GetDouble() > 0);
            Assert.Equal(
                Math.Round(json.GetProperty(phase).GetProperty("recordsPerSecond").GetDouble() * 50 / 1e6, 2),
                json.GetProperty(phase).GetProperty("megabytesPerSecond").GetDouble(),
                precision: 2);
        }
    }

    /// <summary>
    /// Verify that against a broker given by --bootstrap-servers the run appends its records to an existing topic
    /// (--existing-topic, with the topic's own partition count) and reads back those, and that without it a broker
    /// that cannot create topics (the mock cluster) is reported with what to do instead.
    /// </summary>
    [Fact]
    public async Task A_run_against_a_broker_must_write_to_the_topic_it_is_given()
    {
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["perf"] = 3 } });
        using (var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
        {
            for (var i = 0; i < 5; i++)
            {
                await producer.ProduceAsync("perf", new Message<Null, string> { Value = "before" });
            }
        }

        var (code, output, error) = await RunAsync("bench", "kafka", "--bootstrap-servers", kafka.BootstrapServers, "--topic", "perf", "--existing-topic", "--records", "3000");

        Assert.True(code == 0, error);
        var lines = output.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal($"3,000 records of 100 bytes, 3 partitions, topic perf at {kafka.BootstrapServers}", lines[0]);
        Assert.StartsWith("produce: 3,000 records in ", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("consume: 3,000 records in ", lines[2], StringComparison.Ordinal);
        using (var consumer = new ConsumerBuilder<Null, byte[]>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = "check" }).Build())
        {
            Assert.Equal(3005, Enumerable.Range(0, 3).Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition("perf", p), TimeSpan.FromSeconds(10)).High.Value));
        }

        (code, _, error) = await RunAsync("bench", "kafka", "--bootstrap-servers", kafka.BootstrapServers, "--records", "10");
        Assert.Equal(1, code);
        Assert.Contains("cannot create topic 'actorflow-bench-", error, StringComparison.Ordinal);
        Assert.Contains("run with --topic NAME --existing-topic", error, StringComparison.Ordinal);
    }

    /// <summary>Verify that a run the embedded broker would trim (about 5 MiB per partition) is refused before it starts.</summary>
    [Fact]
    public async Task An_embedded_run_too_big_for_a_partition_must_be_refused()
    {
        var (code, output, error) = await RunAsync("bench", "kafka", "--records", "1000000", "--partitions", "1");

        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.Contains("the embedded broker keeps about 5 MiB per partition", error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CommandLine.RunAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
