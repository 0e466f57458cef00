using FraudDetection.Rules;

namespace FraudDetection.Tests.App;

/// <summary>Durations as <c>--rule-window</c> takes them.</summary>
public sealed class DurationsSpec
{
    /// <summary>Verify the accepted forms.</summary>
    [Theory]
    [InlineData("90s", 90_000)]
    [InlineData("1m", 60_000)]
    [InlineData("60000ms", 60_000)]
    [InlineData("2h", 7_200_000)]
    [InlineData("0", 0)]
    [InlineData("00:00:02", 2_000)]
    [InlineData("00:01:30", 90_000)]
    [InlineData("01:00:00", 3_600_000)]
    [InlineData("00:00:00.5", 500)]
    [InlineData("1.00:00:00", 86_400_000)]
    public void Durations_must_parse(string text, long millis) => Assert.Equal(TimeSpan.FromMilliseconds(millis), Durations.Parse(text));

    /// <summary>Verify that anything else is refused with the accepted forms in the message.</summary>
    [Theory]
    [InlineData("60")]
    [InlineData("-1s")]
    [InlineData("1.5m")]
    [InlineData("1 m")]
    [InlineData("")]
    [InlineData("1:30")]
    [InlineData("-00:00:01")]
    [InlineData("00:60:00")]
    [InlineData("00:00:02x")]
    public void Other_text_must_be_refused(string text) =>
        Assert.Contains("e.g. 90s, 1m, 60000ms, 2h, or hh:mm:ss, e.g. 00:01:30", Assert.Throws<FormatException>(() => Durations.Parse(text)).Message, StringComparison.Ordinal);
}
