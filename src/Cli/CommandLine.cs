using System.CommandLine;
using System.CommandLine.Invocation;
using ActorFlow.Kafka.Embedded;

namespace ActorFlow.Cli;

/// <summary>
/// The <c>actorflow</c> command line, on System.CommandLine: <c>--help</c> on every command, <c>[suggest]</c> for
/// shell completion (dotnet-suggest), and three exit codes: 0 done, 1 the command failed (its reason on one line of
/// standard error), 2 bad usage (each parse error on standard error, then where to find the usage).
/// </summary>
public static class CommandLine
{
    /// <summary>Exit code of a command that did its work.</summary>
    public const int Ok = 0;

    /// <summary>Exit code of a command that could not do its work (the reason is on standard error).</summary>
    public const int Failed = 1;

    /// <summary>Exit code of a command line that does not parse (unknown option, missing or bad argument).</summary>
    public const int BadUsage = 2;

    /// <summary>Builds the <c>actorflow</c> root command with every sub-command.</summary>
    /// <returns>The root command.</returns>
    public static RootCommand Build()
    {
        var root = new RootCommand("ActorFlow: stream processing on Akka.NET and Kafka. Tools for the embedded broker and schema registry, Avro classes, a job's checkpoints, savepoints and status, and a Kafka cluster's raw rates.")
        {
            BrokerCommand.Create(),
            AvroCommands.CreateRegistry(),
            AvroCommands.CreateAvro(),
            SavepointCommand.Create(),
            StatusCommands.CreateJobs(),
            StatusCommands.CreateStatus(),
            BenchCommand.Create(),
        };
        return root;
    }

    /// <summary>System.CommandLine's error for a command line without a required sub-command, in the current language.</summary>
    private static readonly Lazy<string> RequiredCommandMessage = new(() => new RootCommand { Subcommands = { new Command("sub") } }.Parse([]).Errors[0].Message);

    /// <summary>Parses <paramref name="args"/> and runs the command they name.</summary>
    /// <param name="args">The arguments (without the program name).</param>
    /// <param name="output">Standard output (help, results).</param>
    /// <param name="error">Standard error (parse errors, failures).</param>
    /// <param name="stop">Stops a long-running command (as Ctrl+C or SIGTERM do).</param>
    /// <returns>The exit code: <see cref="Ok"/>, <see cref="Failed"/> or <see cref="BadUsage"/>.</returns>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var parsed = Build().Parse(args);
        if (parsed.Action is ParseErrorAction && parsed.Errors.Count > 0)
        {
            // "actorflow bogus": System.CommandLine reports the sub-command it did not find as missing as well as the word
            // it did not know; the second says it all.
            var errors = parsed.UnmatchedTokens.Count > 0 ? parsed.Errors.Where(e => e.Message != RequiredCommandMessage.Value) : parsed.Errors;
            foreach (var e in errors)
            {
                await error.WriteLineAsync("actorflow: " + e.Message).ConfigureAwait(false);
            }

            await error.WriteLineAsync($"Run '{CommandPath(parsed.CommandResult)} --help' for usage.").ConfigureAwait(false);
            return BadUsage;
        }

        // Long-running commands handle Ctrl+C and SIGTERM themselves (a normal stop, exit code 0); the others end by
        // themselves, so System.CommandLine's own termination handling (exit codes 130/143) stays off.
        var configuration = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false };
        return await parsed.InvokeAsync(configuration, stop).ConfigureAwait(false);
    }

    /// <summary>
    /// Sets <paramref name="command"/>'s action to <paramref name="run"/>; a failure it reports by throwing (a store
    /// that cannot be read, a broker that cannot start) ends the command with exit code 1 and its message.
    /// </summary>
    internal static void SetAction(Command command, Func<ParseResult, TextWriter, CancellationToken, Task<int>> run) =>
        command.SetAction(async (parsed, cancel) =>
        {
            var output = parsed.InvocationConfiguration.Output;
            var error = parsed.InvocationConfiguration.Error;
            try
            {
                return await run(parsed, output, cancel).ConfigureAwait(false);
            }
            catch (CommandFailedException e)
            {
                await error.WriteLineAsync("actorflow: " + e.Message).ConfigureAwait(false);
                return Failed;
            }
            catch (Exception e) when (e is not (OutOfMemoryException or OperationCanceledException))
            {
                // Expected failures (a store or broker that cannot be reached, a damaged record) say what happened; any
                // other exception is named by its type too, so a report of it can be traced.
                var what = IsExpected(e) ? e.Message : $"{e.GetType().Name}: {e.Message}";
                await error.WriteLineAsync($"actorflow: {parsed.CommandResult.Command.Name}: {what}").ConfigureAwait(false);
                return Failed;
            }
        });

    /// <summary>An integer option's parser: a whole number from <paramref name="min"/> to <paramref name="max"/>, or a parse error naming the option.</summary>
    internal static Func<System.CommandLine.Parsing.ArgumentResult, int> IntIn(string option, int min, int max, string what) => r =>
    {
        var value = r.Tokens.Count == 0 ? string.Empty : r.Tokens[0].Value;
        if (int.TryParse(value, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= min && n <= max)
        {
            return n;
        }

        r.AddError($"{option} needs {what}, not '{value}'.");
        return min;
    };

    /// <summary>A job-name argument (savepoint, status): a non-empty name.</summary>
    internal static Argument<string> JobArgument()
    {
        var job = new Argument<string>("job") { Description = "The job's name." };
        job.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && string.IsNullOrWhiteSpace(r.Tokens[0].Value))
            {
                r.AddError("the job name must not be empty.");
            }
        });
        return job;
    }

    /// <summary>Waits until Ctrl+C, SIGTERM or <paramref name="stop"/>: the normal end of a long-running command.</summary>
    internal static async Task WaitForStopAsync(CancellationToken stop)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stop);
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; cancel.Cancel(); });
        try
        {
            await Task.Delay(Timeout.Infinite, cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopping is the normal end
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static bool IsExpected(Exception e) =>
        e is EmbeddedKafkaException or InvalidOperationException or IOException or UnauthorizedAccessException
            or System.Data.Common.DbException or Persistence.Checkpoints.CorruptCheckpointException
            or Confluent.Kafka.KafkaException or TimeoutException or System.Net.Http.HttpRequestException
            or global::Avro.AvroException;

    /// <summary>"actorflow savepoint create" for the command a parse stopped in.</summary>
    private static string CommandPath(System.CommandLine.Parsing.CommandResult command)
    {
        var names = new List<string>();
        for (System.CommandLine.Parsing.SymbolResult? at = command; at is not null; at = at.Parent)
        {
            if (at is System.CommandLine.Parsing.CommandResult c)
            {
                names.Add(c.Command is RootCommand ? "actorflow" : c.Command.Name);
            }
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}

/// <summary>A command could not do its work: exit code 1 with this message.</summary>
internal sealed class CommandFailedException(string message) : Exception(message);
