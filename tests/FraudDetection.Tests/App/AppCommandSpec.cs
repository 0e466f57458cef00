using System.CommandLine;
using FraudDetection.App;

namespace FraudDetection.Tests.App;

/// <summary>The app's command line: every option by its exact name, help, and bad usage with exit code 2.</summary>
public sealed class AppCommandSpec
{
    /// <summary>Verify that every option reaches the app's options.</summary>
    [Fact]
    public async Task Options_must_be_parsed_by_their_exact_names()
    {
        var input = Path.GetTempFileName();
        try
        {
            AppOptions? seen = null;
            var code = await Invoke(
                [
                    "--input", input, "--output", "out.jsonl", "--count", "500", "--rule-window", "90s", "--bootstrap-servers", "h:9092",
                    "--schema-registry", "http://r:8081", "--store", "postgres", "--postgres", "Host=x", "--data-dir", "state", "--seed", "7",
                ],
                o => seen = o);
            Assert.Equal(0, code.Code);
            Assert.NotNull(seen);
            Assert.Equal(Path.GetFullPath(input), seen.Input);
            Assert.Equal(Path.GetFullPath("out.jsonl"), seen.Output);
            Assert.Equal(500, seen.Count);
            Assert.Equal(TimeSpan.FromSeconds(90), seen.RuleWindow);
            Assert.Equal("h:9092", seen.BootstrapServers);
            Assert.Equal("http://r:8081", seen.SchemaRegistry);
            Assert.Equal(StoreKind.Postgres, seen.Store);
            Assert.Equal("Host=x", seen.Postgres);
            Assert.Equal(Path.GetFullPath("state"), seen.DataDir);
            Assert.Equal(7, seen.Seed);
        }
        finally
        {
            File.Delete(input);
        }
    }

    /// <summary>Verify the defaults with no arguments.</summary>
    [Fact]
    public async Task No_arguments_must_run_on_the_defaults()
    {
        AppOptions? seen = null;
        Assert.Equal(0, (await Invoke([], o => seen = o)).Code);
        Assert.Equal(new AppOptions(), seen);
    }

    /// <summary>Verify that bad usage ends with exit code 2 and a message naming the problem, before anything runs.</summary>
    [Theory]
    [InlineData("--rule-window 60", "is not a duration")]
    [InlineData("--count 0", "--count must be at least 1")]
    [InlineData("--count abc", "abc")]
    [InlineData("--count 99999999999", "99999999999")]
    [InlineData("--checkpoint-interval 0", "--checkpoint-interval must be at least 1ms")]
    [InlineData("--store postgres", "--store postgres needs --postgres CONNECTION")]
    [InlineData("--input /no/such/file.csv", "/no/such/file.csv")]
    [InlineData("--input /", "--input: '/' is a directory, not a CSV file")]
    [InlineData("--store mysql", "mysql")]
    [InlineData("--frobnicate", "--frobnicate")]
    [InlineData("--from-lake /no/such/lake", "/no/such/lake")]
    [InlineData("--from-lake . --count 5", "--from-lake reads its transactions from the lake: it takes no --count")]
    [InlineData("--from-lake . --lake x", "it takes no --lake")]
    public async Task Bad_usage_must_exit_2_with_the_reason(string args, string message)
    {
        var ran = false;
        var (code, _, error) = await Invoke(args.Split(' '), _ => ran = true);
        Assert.False(ran);
        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    /// <summary>Verify that help lists every option.</summary>
    [Fact]
    public async Task Help_must_list_every_option()
    {
        var (code, output, _) = await Invoke(["--help"], _ => { });
        Assert.Equal(0, code);
        foreach (var option in new[] { "--input", "--output", "--count", "--rule-window", "--bootstrap-servers", "--schema-registry", "--store", "--postgres", "--data-dir", "--lake", "--from-lake" })
        {
            Assert.Contains(option, output, StringComparison.Ordinal);
        }
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
