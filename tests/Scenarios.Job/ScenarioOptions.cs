using System.Globalization;

namespace ActorFlow.ScenarioJob;

/// <summary>The command line of the scenario process (see Program.cs).</summary>
internal sealed record ScenarioOptions(string Servers, string DataDirectory)
{
    public string? Postgres { get; private init; }

    /// <summary>"runner", "host", or <c>null</c> for a single-node cluster.</summary>
    public string? Node { get; private init; }

    public int Port { get; private init; }

    public int Seed { get; private init; }

    public bool Verbose { get; private init; }

    /// <summary>Keep running when the other node is lost (shows what the failover prevents).</summary>
    public bool NoFailover { get; private init; }

    /// <summary>Run only the landing job (clicks → Parquet files under this directory).</summary>
    public string? Landing { get; private init; }

    public static ScenarioOptions? Parse(string[] args)
    {
        if (args.Length < 2)
        {
            return null;
        }

        var options = new ScenarioOptions(args[0], args[1]);
        for (var i = 2; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--postgres" => options with { Postgres = Next() },
                "--node" => options with { Node = Next() },
                "--port" => options with { Port = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--seed" => options with { Seed = int.Parse(Next(), CultureInfo.InvariantCulture) },
                "--verbose" => options with { Verbose = true },
                "--no-failover" => options with { NoFailover = true },
                "--landing" => options with { Landing = Next() },
                _ => throw new ArgumentException("unknown option " + args[i]),
            };
        }

        return options.Node is null or "runner" or "host" ? options : null;
    }
}
