using ActorFlow.Kafka.Settings;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Tests.Settings;

/// <summary>
/// <c>auto.offset.reset</c> as librdkafka reads it, aliases included (Confluent.Kafka's typed getter throws on
/// <c>smallest</c>, <c>beginning</c>, <c>largest</c> and <c>end</c>, which failed a source at its first assignment).
/// </summary>
public sealed class OffsetResetSpec
{
    /// <summary>Verify each value librdkafka accepts, its default when unset, and error.</summary>
    [Theory]
    [InlineData("earliest", true)]
    [InlineData("smallest", true)]
    [InlineData("beginning", true)]
    [InlineData(" Earliest ", true)]
    [InlineData("latest", false)]
    [InlineData("largest", false)]
    [InlineData("end", false)]
    [InlineData(null, false)]
    public void A_reset_must_name_the_end_librdkafka_resets_to(string? value, bool beginning) =>
        Assert.Equal(beginning ? Offset.Beginning : Offset.End, OffsetResets.Of(value));

    /// <summary>Verify that error resets to nothing: the consumer is left to fail as it does.</summary>
    [Fact]
    public void An_error_reset_must_reset_to_nothing() => Assert.Equal(Offset.Unset, OffsetResets.Of("error"));
}
