using FraudDetection.App;

namespace FraudDetection.Tests.App;

/// <summary>
/// A <c>--bootstrap-servers</c> nobody answers at ends the app with exit code 1 and one line naming the option and the
/// address. Before, the app's own Kafka clients wrote librdkafka's connection errors to standard error (~400 lines in
/// 15 s) and the app ended with "Local: Broker transport failure" (found by an SRE's review).
/// </summary>
public sealed class UnreachableBrokerSpec
{
    /// <summary>Verify the exit code and the one line.</summary>
    [Fact]
    public async Task An_unreachable_broker_must_end_the_app_with_one_line_naming_it()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var code = await AppCommand.InvokeAsync(
                ["--bootstrap-servers", "127.0.0.1:1", "--count", "100"],
                (options, _) => FraudApp.RunAsync(options with { Plain = true }, output, error, CancellationToken.None))
            .WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(1, code);
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("fraud-detection: no Kafka broker answered at --bootstrap-servers 127.0.0.1:1 within", Assert.Single(lines), StringComparison.Ordinal);
    }
}
