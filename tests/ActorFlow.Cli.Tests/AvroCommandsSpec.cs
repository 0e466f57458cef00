using System.Diagnostics;
using ActorFlow.Cli;
using ActorFlow.Tests.Shared;

namespace ActorFlow.Cli.Tests;

public sealed class AvroCommandsSpec
{
    /// <summary>
    /// Verify that `actorflow registry` prints a URL where curl (not a .NET client) registers and fetches a schema, that
    /// the schemas are in the SQLite file given, and that it stops on request.
    /// </summary>
    [Fact]
    public async Task The_registry_command_must_serve_the_REST_API_until_stopped()
    {
        using var dir = new TempDirectory("actorflow-cli-registry");
        var urlFile = Path.Combine(dir.Path, "url");
        using var stop = new CancellationTokenSource();
        var output = new StringWriter();
        var run = CommandLine.RunAsync(["registry", "--sqlite", Path.Combine(dir.Path, "r.db"), "--url-file", urlFile], output, TextWriter.Null, stop.Token);
        try
        {
            using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                while (!File.Exists(urlFile) || new FileInfo(urlFile).Length == 0)
                {
                    await Task.Delay(20, wait.Token);
                }
            }

            var url = await File.ReadAllTextAsync(urlFile);
            var registered = await Curl("-s", "-X", "POST", "-H", "Content-Type: application/vnd.schemaregistry.v1+json", "--data", """{"schema":"{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}"}""", $"{url}/subjects/p-value/versions");
            var fetched = await Curl("-s", $"{url}/schemas/ids/1");
            var missing = await Curl("-s", "-w", " %{http_code}", $"{url}/subjects/nope/versions");

            // Confluent 8's schema GUID: the MD5 of the schema's text as a UUID.
            var guid = new Guid(System.Security.Cryptography.MD5.HashData("""{"type":"record","name":"P","fields":[{"name":"x","type":"int"}]}"""u8), bigEndian: true);
            Assert.Equal($$"""{"id":1,"version":1,"guid":"{{guid}}"}""", registered);
            Assert.Equal($$"""{"schema":"{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}","guid":"{{guid}}"}""", fetched);
            Assert.Equal("""{"error_code":40401,"message":"Subject 'p-value' not found."} 404""".Replace("p-value", "nope", StringComparison.Ordinal), missing);
            Assert.Contains($"url={url}", output.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
        }

        Assert.True(new FileInfo(Path.Combine(dir.Path, "r.db")).Length > 0);
        Assert.Contains("embedded schema registry stopped", output.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Verify that `actorflow avro gen` writes one class per named type and lists the files.</summary>
    [Fact]
    public async Task Avro_gen_must_write_the_classes()
    {
        using var dir = new TempDirectory("actorflow-cli-gen");
        var avsc = Path.Combine(dir.Path, "p.avsc");
        await File.WriteAllTextAsync(avsc, """{"type":"record","name":"P","namespace":"Shop","fields":[{"name":"c","type":{"type":"enum","name":"C","symbols":["A"]}}]}""");
        var output = new StringWriter();

        Assert.Equal(0, await CommandLine.RunAsync(["avro", "gen", "--out", Path.Combine(dir.Path, "gen"), avsc], output, TextWriter.Null, CancellationToken.None));

        Assert.Equal([Path.Combine(dir.Path, "gen", "C.cs"), Path.Combine(dir.Path, "gen", "P.cs")], output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("public partial class P : global::Avro.Specific.ISpecificRecord", await File.ReadAllTextAsync(Path.Combine(dir.Path, "gen", "P.cs")), StringComparison.Ordinal);
    }

    /// <summary>Verify that bad options give exit code 2 and a message naming the problem.</summary>
    /// <summary>Verify that a schema file that does not parse fails the command (exit 1) naming the file and the problem.</summary>
    [Fact]
    public async Task Avro_gen_must_name_the_file_that_does_not_parse()
    {
        using var dir = new TempDirectory("actorflow-cli-gen-bad");
        var good = Path.Combine(dir.Path, "good.avsc");
        var bad = Path.Combine(dir.Path, "bad.avsc");
        await File.WriteAllTextAsync(good, "{\"type\":\"record\",\"name\":\"A\",\"fields\":[]}");
        await File.WriteAllTextAsync(bad, "{\"type\":\"record\",\"name\":\"X\",\"fields\":[{\"name\":\"a\",\"type\":\"nope\"}]}");
        var error = new StringWriter();

        Assert.Equal(1, await CommandLine.RunAsync(["avro", "gen", "--out", Path.Combine(dir.Path, "gen"), good, bad], TextWriter.Null, error, CancellationToken.None));
        Assert.Contains(bad + ": Undefined name: nope", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("registry --port x", "--port")]
    [InlineData("registry --compatibility SIDEWAYS", "SIDEWAYS")]
    [InlineData("avro gen --out", "Required argument missing for option: '--out'")]
    [InlineData("avro gen --out d missing.avsc", "no such schema file")]
    [InlineData("avro make", "Unrecognized command or argument 'make'")]
    public async Task Bad_usage_must_exit_2_with_a_clear_message(string line, string expected)
    {
        var error = new StringWriter();
        Assert.Equal(2, await CommandLine.RunAsync(line.Split(' '), TextWriter.Null, error, CancellationToken.None));
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
    }

    private static async Task<string> Curl(params string[] args)
    {
        var start = new ProcessStartInfo("curl") { RedirectStandardOutput = true };
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var curl = Process.Start(start)!;
        var text = await curl.StandardOutput.ReadToEndAsync();
        await curl.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(0, curl.ExitCode);
        return text;
    }
}
