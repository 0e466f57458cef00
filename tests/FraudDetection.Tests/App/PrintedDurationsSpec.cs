using System.CommandLine;
using System.Text.RegularExpressions;
using FraudDetection.App;

namespace FraudDetection.Tests.App;

/// <summary>
/// The duration options take the form <c>--help</c> prints their defaults in (<c>[default: 00:00:02]</c>), and a
/// value that is no duration is refused with only forms the option takes. Before, <c>--checkpoint-interval 00:00:01</c>
/// was "not a duration", and the error suggested "or 0", which the option refuses (found by a documentation review).
/// </summary>
public sealed class PrintedDurationsSpec
{
    /// <summary>Verify that each duration default as help prints it parses back to that default.</summary>
    [Fact]
    public async Task The_defaults_help_prints_must_be_accepted()
    {
        var (code, help, _) = await Invoke(["--help"], _ => { });
        Assert.Equal(0, code);
        var defaults = new AppOptions();
        foreach (var (option, expected) in new[] { ("--rule-window", defaults.RuleWindow), ("--checkpoint-interval", defaults.CheckpointInterval) })
        {
            var printed = Regex.Match(help, Regex.Escape(option) + @" <[^>]+>.*\[default: ([^\]]+)\]").Groups[1].Value;
            Assert.Matches("^[0-9]{2}:[0-9]{2}:[0-9]{2}$", printed);

            AppOptions? seen = null;
            var (parsed, _, error) = await Invoke([option, printed], o => seen = o);
            Assert.True(parsed == 0, error);
            Assert.Equal(expected, option == "--rule-window" ? seen!.RuleWindow : seen!.CheckpointInterval);
        }
    }

    /// <summary>Verify that the refusal of a bad value lists 0 only for the option that takes it.</summary>
    [Fact]
    public async Task A_bad_value_must_be_refused_with_the_forms_the_option_takes()
    {
        var (code, _, error) = await Invoke(["--checkpoint-interval", "1x"], _ => { });
        Assert.Equal(2, code);
        Assert.Contains("fraud-detection: --checkpoint-interval: '1x' is not a duration: write a whole number with a unit, e.g. 90s, 1m, 60000ms, 2h, or hh:mm:ss, e.g. 00:01:30\n", error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("or 0", error, StringComparison.Ordinal);

        (code, _, error) = await Invoke(["--rule-window", "1x"], _ => { });
        Assert.Equal(2, code);
        Assert.Contains("fraud-detection: --rule-window: '1x' is not a duration: write a whole number with a unit, e.g. 90s, 1m, 60000ms, 2h, or hh:mm:ss, e.g. 00:01:30; or 0 for no limit\n", error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> Invoke(string[] args, Action<AppOptions> seen)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await AppCommand.InvokeAsync(
            args,
            (o, _) =>
            {
                seen(o);
                return Task.FromResult(0);
            },
            new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }
}
