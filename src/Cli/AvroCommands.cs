using System.Globalization;
using ActorFlow.Avro.CodeGen;
using ActorFlow.Avro.Compatibility;
using ActorFlow.Avro.Registry;
using ActorFlow.Avro.Registry.Store;

namespace ActorFlow.Cli;

/// <summary><c>actorflow registry</c> (the embedded schema registry, standalone) and <c>actorflow avro gen</c> (classes from .avsc).</summary>
internal static class AvroCommands
{
    /// <summary>The usage lines of the commands.</summary>
    public const string Usage = """
          registry run the embedded schema registry (Confluent's REST API) on 127.0.0.1 until Ctrl+C
                   --port N                TCP port (default 0: a free one)
                   --sqlite FILE           keep schemas in this SQLite file (default actorflow-registry.db)
                   --postgres CONNECTION   keep schemas in PostgreSQL instead
                   --compatibility LEVEL   default level of subjects (default BACKWARD)
                   --url-file PATH         also write the registry's URL to PATH
          avro gen generate C# classes of Avro records from .avsc files
                   --out DIR               where the .cs files go (required)
                   FILE.avsc ...           the schemas, in dependency order
        """;

    /// <summary>Runs <c>actorflow registry</c>.</summary>
    public static async Task<int> RunRegistryAsync(ReadOnlyMemory<string> args, TextWriter output, CancellationToken stop)
    {
        var port = 0;
        var level = CompatibilityLevel.Backward;
        Func<ISchemaStore> store = () => SqlSchemaStore.Sqlite("Data Source=actorflow-registry.db");
        string? urlFile = null;
        var a = args.Span;
        for (var i = 0; i < a.Length; i += 2)
        {
            var value = i + 1 < a.Length ? a[i + 1] : throw new CommandLine.UsageException($"{a[i]} needs a value");
            switch (a[i])
            {
                case "--port":
                    port = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p <= 65535
                        ? p : throw new CommandLine.UsageException($"--port needs a port number, not '{value}'");
                    break;
                case "--sqlite":
                    store = () => SqlSchemaStore.Sqlite($"Data Source={value}");
                    break;
                case "--postgres":
                    store = () => SqlSchemaStore.PostgreSql(value);
                    break;
                case "--compatibility":
                    level = Enum.TryParse<CompatibilityLevel>(value.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true, out var l)
                        ? l : throw new CommandLine.UsageException($"--compatibility: unknown level '{value}'");
                    break;
                case "--url-file":
                    urlFile = value;
                    break;
                default:
                    throw new CommandLine.UsageException($"unknown option '{a[i]}'");
            }
        }

        await using var registry = await EmbeddedSchemaRegistry.StartAsync(new EmbeddedSchemaRegistryOptions { Port = port, Store = store, DefaultCompatibility = level }, stop).ConfigureAwait(false);
        if (urlFile is not null)
        {
            await File.WriteAllTextAsync(urlFile, registry.Url, stop).ConfigureAwait(false);
        }

        await output.WriteLineAsync($"url={registry.Url}").ConfigureAwait(false);
        await output.WriteLineAsync("embedded schema registry running; Ctrl+C stops it").ConfigureAwait(false);
        await output.FlushAsync(stop).ConfigureAwait(false);
        await WaitForStopAsync(stop).ConfigureAwait(false);
        await output.WriteLineAsync("embedded schema registry stopped").ConfigureAwait(false);
        return 0;
    }

    /// <summary>Runs <c>actorflow avro …</c>.</summary>
    public static async Task<int> RunAvroAsync(ReadOnlyMemory<string> args, TextWriter output)
    {
        var a = args.Span;
        if (a.Length == 0 || a[0] != "gen")
        {
            throw new CommandLine.UsageException(a.Length == 0 ? "avro needs a sub-command (gen)" : $"unknown avro sub-command '{a[0]}'");
        }

        string? outDir = null;
        var files = new List<string>();
        for (var i = 1; i < a.Length; i++)
        {
            if (a[i] == "--out")
            {
                outDir = i + 1 < a.Length ? a[++i] : throw new CommandLine.UsageException("--out needs a value");
            }
            else if (a[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new CommandLine.UsageException($"unknown option '{a[i]}'");
            }
            else
            {
                files.Add(File.Exists(a[i]) ? a[i] : throw new CommandLine.UsageException($"no such schema file '{a[i]}'"));
            }
        }

        if (outDir is null || files.Count == 0)
        {
            throw new CommandLine.UsageException("avro gen needs --out DIR and at least one .avsc file");
        }

        foreach (var file in AvroCodeGenerator.Generate(files, outDir))
        {
            await output.WriteLineAsync(Path.Combine(outDir, file)).ConfigureAwait(false);
        }

        return 0;
    }

    // As `actorflow broker` does: Ctrl+C, SIGTERM or the caller's token end the command.
    private static async Task WaitForStopAsync(CancellationToken stop)
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
}
