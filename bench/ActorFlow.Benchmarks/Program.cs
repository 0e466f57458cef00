using ActorFlow.Benchmarks.Kafka;
using BenchmarkDotNet.Running;

namespace ActorFlow.Benchmarks;

/// <summary>Entry point: <c>kafka</c> runs the Kafka stage-vs-raw-client harness; anything else goes to BenchmarkDotNet.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "kafka")
        {
            return await KafkaHarness.RunAsync(args[1..]);
        }

        if (args.Length > 0 && args[0] == "runtime")
        {
            return await Runtime.RuntimeHarness.RunAsync(args[1..]);
        }

        if (args.Length > 0 && args[0] == "parquet")
        {
            return await Parquet.ParquetHarness.RunAsync(args[1..]);
        }

        if (args.Length > 0 && args[0] == "checkpoints")
        {
            return await Checkpoints.CheckpointHarness.RunAsync(args[1..]);
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
