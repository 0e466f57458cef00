using System.CommandLine;
using FraudDetection.App;

namespace FraudDetection.Tests.App;

/// <summary>
/// A <c>--data-dir</c> that names a file, or a place where no directory can be made, ends the app with exit code 1 and
/// one line naming the option and the path. Before, the app created the directory before the part that turns failures
/// into one line, and printed an unhandled exception with its stack trace (found by a documentation review).
/// </summary>
public sealed class DataDirNotCreatableSpec : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    /// <summary>Verify the exit code and the one line for a file, a path under a file, and a path under /proc.</summary>
    /// <param name="which">file, under-file or proc.</param>
    [Theory]
    [InlineData("file")]
    [InlineData("under-file")]
    [InlineData("proc")]
    public async Task A_data_dir_that_cannot_be_created_must_end_the_app_with_one_line(string which)
    {
        var dataDir = which switch
        {
            "file" => _file,
            "under-file" => Path.Combine(_file, "state"),
            _ => "/proc/actorflow-no-such-dir",
        };
        var output = new StringWriter();
        var error = new StringWriter();

        var code = await AppCommand.InvokeAsync(
                ["--data-dir", dataDir, "--count", "100", "--plain"],
                (options, cancellation) => FraudApp.RunAsync(options, output, error, cancellation),
                new InvocationConfiguration { Output = output, Error = error })
            .WaitAsync(TimeSpan.FromMinutes(1));

        Assert.True(code == 1, $"exit code {code}; stderr:\n{error}");
        var line = Assert.Single(error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"fraud-detection: --data-dir {dataDir}: cannot create the directory: ", line, StringComparison.Ordinal);
        if (which == "file")
        {
            Assert.EndsWith("it is a file", line.TrimEnd(), StringComparison.Ordinal);
        }
        else if (which == "under-file")
        {
            Assert.EndsWith($"{_file} is a file", line.TrimEnd(), StringComparison.Ordinal);
        }
    }

    public void Dispose() => File.Delete(_file);
}
