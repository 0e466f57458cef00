using System.CommandLine;
using FraudDetection.App;

namespace FraudDetection.Tests.App;

/// <summary>
/// <c>--store postgres</c> keeps the job's state in the database, and a next run resumes from its last checkpoint: the
/// app refuses it (bad usage, exit code 2, before it connects) unless the files that checkpoint refers to are kept too,
/// the landed lake (<c>--data-dir</c> or <c>--lake</c>) and, with <c>--output</c>, the record of the alerts written
/// (<c>--data-dir</c>). Before, a run without them landed into a temporary lake, and the next run restored a checkpoint
/// whose in-progress Parquet files were gone and failed (found by a documentation review).
/// </summary>
public sealed class PostgresStoreNeedsKeptFilesSpec
{
    private const string Postgres = "--store postgres --postgres Host=nowhere.invalid";

    /// <summary>Verify the refusals and their reasons.</summary>
    /// <param name="args">The arguments after the store's.</param>
    /// <param name="message">What the error says.</param>
    [Theory]
    [InlineData("", "--store postgres needs --data-dir DIR or --lake DIR: the job's state persists in the database and a next run resumes from its last checkpoint, so the Parquet files it landed must persist too")]
    [InlineData(" --lake lake --output alerts.jsonl", "--store postgres with --output needs --data-dir DIR: the job's state persists in the database")]
    [InlineData(" --from-lake . --output alerts.jsonl", "--store postgres with --output needs --data-dir DIR")]
    public async Task Postgres_without_kept_files_must_be_refused_before_it_connects(string args, string message)
    {
        var (code, error, ran) = await Invoke(Postgres + args);
        Assert.False(ran);
        Assert.Equal(2, code);
        Assert.Contains("fraud-detection: " + message, error, StringComparison.Ordinal);
    }

    /// <summary>Verify that a kept data directory or lake is enough.</summary>
    /// <param name="args">The arguments after the store's.</param>
    [Theory]
    [InlineData(" --data-dir state")]
    [InlineData(" --data-dir state --output alerts.jsonl")]
    [InlineData(" --lake lake")]
    [InlineData(" --from-lake .")]
    public async Task Postgres_with_kept_files_must_run(string args)
    {
        var (code, error, ran) = await Invoke(Postgres + args);
        Assert.True(ran, error);
        Assert.Equal(0, code);
    }

    private static async Task<(int Code, string Error, bool Ran)> Invoke(string args)
    {
        var ran = false;
        var error = new StringWriter();
        var code = await AppCommand.InvokeAsync(
            args.Split(' '),
            (_, _) =>
            {
                ran = true;
                return Task.FromResult(0);
            },
            new InvocationConfiguration { Output = new StringWriter(), Error = error });
        return (code, error.ToString(), ran);
    }
}
