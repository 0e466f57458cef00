using ActorFlow.Kafka.Settings;
using Akka.Configuration;

namespace ActorFlow.Kafka.Tests.Settings;

/// <summary>Bad values given to <see cref="CommitterSettings"/>, by a <c>With*</c> method, its constructor or HOCON, throw and name the setting and the value.</summary>
public sealed class CommitterSettingsValidationSpec
{
    private static CommitterSettings Defaults => CommitterSettings.Create(KafkaDefaults.Config);

    public static TheoryData<string, Func<CommitterSettings, object>, string> BadValues => new()
    {
        { "max-batch", s => s.WithMaxBatch(0), "0" },
        { "max-interval", s => s.WithMaxInterval(TimeSpan.Zero), "00:00:00" },
        { "parallelism", s => s.WithParallelism(-3), "-3" },
        { "max-batch", _ => new CommitterSettings(0, TimeSpan.FromSeconds(1), 1), "0" },
    };

    /// <summary>Verify that each <c>With*</c> method and the constructor reject a bad value with an ArgumentException naming the setting and the value.</summary>
    [Theory]
    [MemberData(nameof(BadValues))]
    public void A_CommitterSettings_must_reject_a_bad_value_naming_the_setting_and_value(string setting, Func<CommitterSettings, object> change, string value)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => change(Defaults));

        Assert.Equal(setting, e.ParamName);
        Assert.Contains(setting, e.Message, StringComparison.Ordinal);
        Assert.Contains(value, e.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that a bad value in HOCON, or one HOCON cannot read as its type, fails Create naming the setting.</summary>
    [Theory]
    [InlineData("max-interval = 0s", "max-interval")]
    [InlineData("max-interval = banana", "max-interval")]
    [InlineData("max-batch = 1e99", "max-batch")]
    public void A_CommitterSettings_must_reject_a_bad_value_from_hocon(string hocon, string setting)
    {
        var config = ConfigurationFactory.ParseString($"{KafkaDefaults.CommitterPath} {{ {hocon} }}");

        var e = Assert.ThrowsAny<ArgumentException>(() => CommitterSettings.Create(config));
        Assert.Equal(setting, e.ParamName);
        Assert.StartsWith($"{KafkaDefaults.CommitterPath}.{setting} ", e.Message, StringComparison.Ordinal);
    }
}
