using ActorFlow.Kafka.Settings;
using Akka.Configuration;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Tests.Settings;

/// <summary>Bad values given to <see cref="ProducerSettings{TKey, TValue}"/>, by a <c>With*</c> method or by HOCON, throw and name the setting and the value.</summary>
public sealed class ProducerSettingsValidationSpec
{
    private static ProducerSettings<string, string> Defaults => ProducerSettings<string, string>.Create(KafkaDefaults.Config, null, null);

    public static TheoryData<string, Func<ProducerSettings<string, string>, object>, string> BadValues => new()
    {
        { "parallelism", s => s.WithParallelism(0), "0" },
        { "flush-timeout", s => s.WithFlushTimeout(TimeSpan.Zero), "00:00:00" },
        { "delivery-timeout", s => s.WithDeliveryTimeout(TimeSpan.FromSeconds(-2)), "-00:00:02" },
        { "transaction-timeout", s => s.WithTransactionTimeout(TimeSpan.Zero), "00:00:00" },
        { "bootstrap.servers", s => s.WithBootstrapServers(string.Empty), "''" },
        { "key-serializer", s => s.WithKeySerializer(null!), "null" },
        { "value-serializer", s => s.WithValueSerializer(null!), "null" },
        { "linger.ms", s => s.WithProperties([new("linger.ms", null!)]), "null" },
        { "kafka-clients property name", s => s.WithProperty(string.Empty, "5"), "''" },
    };

    /// <summary>Verify that each <c>With*</c> method rejects a bad value with an ArgumentException naming the setting and the value.</summary>
    [Theory]
    [MemberData(nameof(BadValues))]
    public void A_ProducerSettings_must_reject_a_bad_value_naming_the_setting_and_value(string setting, Func<ProducerSettings<string, string>, object> change, string value)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => change(Defaults));

        Assert.Equal(setting, e.ParamName);
        Assert.Contains(setting, e.Message, StringComparison.Ordinal);
        Assert.Contains(value, e.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that a bad value in HOCON fails Create just as the With* method would.</summary>
    [Theory]
    [InlineData("parallelism = 0", "parallelism")]
    [InlineData("delivery-timeout = 0s", "delivery-timeout")]
    [InlineData("flush-timeout = soon", "flush-timeout")]
    [InlineData("parallelism = many", "parallelism")]
    public void A_ProducerSettings_must_reject_a_bad_value_from_hocon(string hocon, string setting)
    {
        var config = ConfigurationFactory.ParseString($"{KafkaDefaults.ProducerPath} {{ {hocon} }}");

        var e = Assert.ThrowsAny<ArgumentException>(() => ProducerSettings<string, string>.Create(config, null, null));

        Assert.Equal(setting, e.ParamName);
        Assert.StartsWith($"{KafkaDefaults.ProducerPath}.{setting} ", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that a rejected change leaves the original alone, and an accepted one returns a changed copy.</summary>
    [Fact]
    public void A_ProducerSettings_must_copy_on_change_and_keep_the_original()
    {
        var original = Defaults;

        Assert.ThrowsAny<ArgumentException>(() => original.WithParallelism(-1));
        var changed = original.WithParallelism(3).WithFlushTimeout(TimeSpan.FromSeconds(1)).WithProperty("linger.ms", "0").WithValueSerializer(Serializers.Utf8);

        Assert.Equal(10000, original.Parallelism);
        Assert.Equal("5", original.Properties["linger.ms"]);
        Assert.Equal(3, changed.Parallelism);
        Assert.Equal(TimeSpan.FromSeconds(1), changed.FlushTimeout);
        Assert.Equal("0", changed.Properties["linger.ms"]);
    }

    /// <summary>Verify that settings come in one line from an address.</summary>
    [Fact]
    public void A_ProducerSettings_must_be_created_in_one_line_from_a_bootstrap_address()
    {
        using var system = Akka.Actor.ActorSystem.Create("producer-settings");

        var settings = ProducerSettings<string, string>.Create(system, "a:1,b:2");

        Assert.Equal("a:1,b:2", settings.BootstrapServers);
    }
}
