using System.CommandLine;
using ActorFlow.Avro.CodeGen;
using ActorFlow.Avro.Compatibility;
using ActorFlow.Avro.Registry;
using ActorFlow.Avro.Registry.Store;

namespace ActorFlow.Cli;

/// <summary><c>actorflow registry</c> (the embedded schema registry, standalone) and <c>actorflow avro gen</c> (classes from .avsc).</summary>
internal static class AvroCommands
{
    /// <summary>The compatibility levels as Confluent spells them.</summary>
    private static readonly string[] Levels = ["NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE"];

    /// <summary><c>actorflow registry</c>.</summary>
    public static Command CreateRegistry()
    {
        var port = new Option<int>("--port")
        {
            Description = "TCP port; 0 takes a free one.",
            HelpName = "N",
            DefaultValueFactory = _ => 0,
            CustomParser = CommandLine.IntIn("--port", 0, 65535, "a port number from 0 to 65535"),
        };
        var sqlite = new Option<string>("--sqlite") { Description = "Keep schemas in this SQLite file.", HelpName = "FILE", DefaultValueFactory = _ => "actorflow-registry.db" };
        var postgres = new Option<string>("--postgres") { Description = "Keep schemas in PostgreSQL instead (a connection string).", HelpName = "CONNECTION" };
        var compatibility = new Option<CompatibilityLevel>("--compatibility")
        {
            Description = "The default compatibility level of subjects.",
            HelpName = "LEVEL",
            DefaultValueFactory = _ => CompatibilityLevel.Backward,
            CustomParser = r =>
            {
                var value = r.Tokens.Count == 0 ? string.Empty : r.Tokens[0].Value;
                if (Enum.TryParse<CompatibilityLevel>(value.Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true, out var level))
                {
                    return level;
                }

                r.AddError($"--compatibility: unknown level '{value}'; one of {string.Join(", ", Levels)}.");
                return default;
            },
        };
        compatibility.CompletionSources.Clear(); // the enum's own names; Confluent's spelling only
        compatibility.CompletionSources.Add(Levels);
        var urlFile = new Option<string>("--url-file") { Description = "Also write the registry's URL to this file (for scripts).", HelpName = "PATH" };
        var command = new Command("registry", "Run the embedded schema registry (Confluent's REST API) on 127.0.0.1 until Ctrl+C; prints url=http://….")
        {
            port,
            sqlite,
            postgres,
            compatibility,
            urlFile,
        };
        command.Validators.Add(r =>
        {
            if (r.GetResult(sqlite) is { Implicit: false } && r.GetResult(postgres) is not null)
            {
                r.AddError("registry keeps schemas in one store: --sqlite FILE or --postgres CONNECTION, not both.");
            }
        });
        CommandLine.SetAction(command, async (parsed, output, stop) =>
        {
            var file = parsed.GetValue(sqlite)!;
            var connection = parsed.GetValue(postgres);
            Func<ISchemaStore> store = connection is null ? () => SqlSchemaStore.Sqlite($"Data Source={file}") : () => SqlSchemaStore.PostgreSql(connection);
            await using var registry = await EmbeddedSchemaRegistry.StartAsync(
                new EmbeddedSchemaRegistryOptions { Port = parsed.GetValue(port), Store = store, DefaultCompatibility = parsed.GetValue(compatibility) }, stop).ConfigureAwait(false);
            if (parsed.GetValue(urlFile) is { } path)
            {
                await File.WriteAllTextAsync(path, registry.Url, stop).ConfigureAwait(false);
            }

            await output.WriteLineAsync($"url={registry.Url}").ConfigureAwait(false);
            await output.WriteLineAsync("embedded schema registry running; Ctrl+C stops it").ConfigureAwait(false);
            await output.FlushAsync(stop).ConfigureAwait(false);
            await CommandLine.WaitForStopAsync(stop).ConfigureAwait(false);
            await output.WriteLineAsync("embedded schema registry stopped").ConfigureAwait(false);
            return CommandLine.Ok;
        });
        return command;
    }

    /// <summary><c>actorflow avro gen</c>.</summary>
    public static Command CreateAvro()
    {
        var outDir = new Option<string>("--out") { Description = "Where the .cs files go.", HelpName = "DIR", Required = true };
        var files = new Argument<string[]>("schemas") { Description = "The .avsc files, in dependency order.", HelpName = "FILE.avsc", Arity = ArgumentArity.OneOrMore };
        files.Validators.Add(r =>
        {
            foreach (var token in r.Tokens)
            {
                if (!File.Exists(token.Value))
                {
                    r.AddError($"no such schema file '{token.Value}'.");
                }
            }
        });
        var gen = new Command("gen", "Generate C# classes (ISpecificRecord) of the Avro records, enums and fixed types in .avsc files; prints the files written.")
        {
            outDir,
            files,
        };
        CommandLine.SetAction(gen, async (parsed, output, _) =>
        {
            var dir = parsed.GetValue(outDir)!;
            foreach (var file in AvroCodeGenerator.Generate(parsed.GetValue(files)!, dir))
            {
                await output.WriteLineAsync(Path.Combine(dir, file)).ConfigureAwait(false);
            }

            return CommandLine.Ok;
        });
        return new Command("avro", "Avro tools.") { gen };
    }
}
