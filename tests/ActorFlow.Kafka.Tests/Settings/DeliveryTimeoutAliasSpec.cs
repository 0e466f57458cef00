using ActorFlow.Kafka.Settings;

namespace ActorFlow.Kafka.Tests.Settings;

/// <summary>
/// A user's own timeout of a delivery wins over the settings' <c>delivery-timeout</c>, by either of librdkafka's names:
/// <c>message.timeout.ms</c> or its alias <c>delivery.timeout.ms</c> (the Java client's and Flink's name). The alias used
/// to be overridden by the 30 s default, so a producer meant to ride out a broker outage failed after 30 s.
/// </summary>
public sealed class DeliveryTimeoutAliasSpec
{
    private static ProducerSettings<string, string> Defaults =>
        ProducerSettings<string, string>.Create(KafkaDefaults.Config, null, null).WithBootstrapServers("127.0.0.1:9092");

    /// <summary>Verify that each name of the property keeps the user's value, and that without either the settings' timeout applies.</summary>
    [Theory]
    [InlineData("delivery.timeout.ms")]
    [InlineData("message.timeout.ms")]
    public void A_users_delivery_timeout_must_win_by_either_name(string name)
    {
        var config = Defaults.WithProperty(name, "300000").ToProducerConfig();

        Assert.Equal("300000", config.Get(name));
        Assert.Equal(name == "message.timeout.ms" ? "300000" : null, config.Get("message.timeout.ms"));
        Assert.Equal(30000, Defaults.ToProducerConfig().MessageTimeoutMs);
    }
}
