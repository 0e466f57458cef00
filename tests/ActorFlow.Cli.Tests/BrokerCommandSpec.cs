using ActorFlow.Cli;
using Confluent.Kafka;

namespace ActorFlow.Cli.Tests;

public sealed class BrokerCommandSpec
{
    /// <summary>
    /// How long starting the embedded broker (and writing its bootstrap file), reading its metadata and stopping it may
    /// each take: it only bounds a hang, so it is long enough for a loaded CI machine.
    /// </summary>
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(60);

    /// <summary>Verify that `actorflow broker` prints a bootstrap address that a Kafka client can use, and stops on request.</summary>
    [Fact]
    public async Task The_broker_command_must_serve_kafka_until_stopped()
    {
        var file = Path.Combine(Path.GetTempPath(), "actorflow-bootstrap-" + Guid.NewGuid().ToString("N"));
        using var stop = new CancellationTokenSource();
        var output = new StringWriter();
        var run = CommandLine.RunAsync(["broker", "--topic", "orders:3", "--bootstrap-file", file], output, TextWriter.Null, stop.Token);
        try
        {
            await WaitForFileAsync(file);
            var servers = await File.ReadAllTextAsync(file);
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = servers }).Build();
            Assert.Equal(3, admin.GetMetadata("orders", Step).Topics.Single().Partitions.Count);
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(0, await run.WaitAsync(Step));
            File.Delete(file);
        }

        Assert.Contains("bootstrap.servers=127.0.0.1:", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("embedded broker stopped", output.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Verify that bad options give exit code 2 and a message naming the option.</summary>
    [Theory]
    [InlineData("broker --brokers zero", "--brokers")]
    [InlineData("broker --topic t:x", "partition count")]
    [InlineData("broker --nope 1", "--nope")]
    [InlineData("frobnicate", "Unrecognized command or argument 'frobnicate'")]
    public async Task Bad_usage_must_exit_2_with_a_clear_message(string line, string expected)
    {
        var error = new StringWriter();
        Assert.Equal(2, await CommandLine.RunAsync(line.Split(' '), TextWriter.Null, error, CancellationToken.None));
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
    }

    private static async Task WaitForFileAsync(string path)
    {
        using var timeout = new CancellationTokenSource(Step);
        while (!File.Exists(path) || new FileInfo(path).Length == 0)
        {
            await Task.Delay(20, timeout.Token);
        }
    }
}
