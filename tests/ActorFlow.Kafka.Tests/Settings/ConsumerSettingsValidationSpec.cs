using ActorFlow.Kafka.Settings;
using Akka.Configuration;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Tests.Settings;

/// <summary>Bad values given to <see cref="ConsumerSettings{TKey, TValue}"/>, by a <c>With*</c> method or by HOCON, throw and name the setting and the value.</summary>
public sealed class ConsumerSettingsValidationSpec
{
    private static ConsumerSettings<string, string> Defaults => ConsumerSettings<string, string>.Create(KafkaDefaults.Config, null, null);

    public static TheoryData<string, Func<ConsumerSettings<string, string>, object>, string> BadValues => new()
    {
        { "poll-timeout", s => s.WithPollTimeout(TimeSpan.Zero), "00:00:00" },
        { "max-batch", s => s.WithMaxBatch(0), "0" },
        { "connection-timeout", s => s.WithConnectionTimeout(TimeSpan.FromSeconds(-1)), "-00:00:01" },
        { "stop-timeout", s => s.WithStopTimeout(TimeSpan.Zero), "00:00:00" },
        { "commit-timeout", s => s.WithCommitTimeout(TimeSpan.FromMilliseconds(-5)), "-00:00:00.005" },
        { "bootstrap.servers", s => s.WithBootstrapServers(" "), "' '" },
        { "group.id", s => s.WithGroupId(string.Empty), "''" },
        { "key-deserializer", s => s.WithKeyDeserializer(null!), "null" },
        { "value-deserializer", s => s.WithValueDeserializer(null!), "null" },
        { "fetch.wait.max.ms", s => s.WithProperty("fetch.wait.max.ms", null!), "null" },
        { "kafka-clients property name", s => s.WithProperty(" ", "1"), "' '" },
        { "kafka-clients property name", s => s.WithProperties([new(string.Empty, "1")]), "''" },
    };

    /// <summary>Verify that each <c>With*</c> method rejects a bad value with an ArgumentException naming the setting and the value.</summary>
    [Theory]
    [MemberData(nameof(BadValues))]
    public void A_ConsumerSettings_must_reject_a_bad_value_naming_the_setting_and_value(string setting, Func<ConsumerSettings<string, string>, object> change, string value)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => change(Defaults));

        Assert.Equal(setting, e.ParamName);
        Assert.Contains(setting, e.Message, StringComparison.Ordinal);
        Assert.Contains(value, e.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that a bad value in HOCON fails Create just as the With* method would.</summary>
    [Theory]
    [InlineData("poll-timeout = 0s", "poll-timeout")]
    [InlineData("max-batch = -1", "max-batch")]
    [InlineData("commit-timeout = 0ms", "commit-timeout")]
    [InlineData("poll-timeout = banana", "poll-timeout")]
    [InlineData("max-batch = lots", "max-batch")]
    [InlineData("stop-timeout = \"30 seconds please\"", "stop-timeout")]
    public void A_ConsumerSettings_must_reject_a_bad_value_from_hocon(string hocon, string setting)
    {
        var config = ConfigurationFactory.ParseString($"{KafkaDefaults.ConsumerPath} {{ {hocon} }}");

        var e = Assert.ThrowsAny<ArgumentException>(() => ConsumerSettings<string, string>.Create(config, null, null));

        Assert.Equal(setting, e.ParamName);
        Assert.StartsWith($"{KafkaDefaults.ConsumerPath}.{setting} ", e.Message, StringComparison.Ordinal); // its full path, for the deployment file's author
    }

    /// <summary>Verify that a rejected change leaves the original alone, and an accepted one returns a changed copy.</summary>
    [Fact]
    public void A_ConsumerSettings_must_copy_on_change_and_keep_the_original()
    {
        var original = Defaults;

        Assert.ThrowsAny<ArgumentException>(() => original.WithMaxBatch(0));
        var changed = original
            .WithMaxBatch(7)
            .WithStopTimeout(TimeSpan.FromSeconds(3))
            .WithProperties([new("linger.ms", "1"), new("fetch.wait.max.ms", "20")])
            .WithKeyDeserializer(Deserializers.Utf8);

        Assert.Equal(1000, original.MaxBatch);
        Assert.Equal("10", original.Properties["fetch.wait.max.ms"]);
        Assert.Equal(7, changed.MaxBatch);
        Assert.Equal(TimeSpan.FromSeconds(3), changed.StopTimeout);
        Assert.Equal("20", changed.Properties["fetch.wait.max.ms"]);
        Assert.Equal("1", changed.Properties["linger.ms"]);
    }

    /// <summary>Verify that settings come in one line from an address.</summary>
    [Fact]
    public void A_ConsumerSettings_must_be_created_in_one_line_from_a_bootstrap_address()
    {
        using var system = Akka.Actor.ActorSystem.Create("consumer-settings");

        var settings = ConsumerSettings<string, string>.Create(system, "host:9092");

        Assert.Equal("host:9092", settings.BootstrapServers);
        Assert.Same(Deserializers.Utf8, settings.KeyDeserializer);
    }
}
