using System.Globalization;
using ActorFlow.Kafka.Embedded;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace ActorFlow.Scenarios;

public sealed class CrashRecoverySpec(ITestOutputHelper output) : IDisposable
{
    private const long Base = 1_700_000_000_000;
    private const int Records = 30_000;
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-scenario");

    /// <summary>
    /// Verify that a job process killed with SIGKILL at random points at least five times, and restarted each time,
    /// ends with exactly the output of a failure-free run: every window once, with its exact count (state and output
    /// exactly once, through the write-ahead Kafka sink).
    /// </summary>
    [Fact]
    public async Task A_job_killed_at_random_points_must_end_with_the_failure_free_results()
    {
        var random = new Random(2026);
        var clicks = Enumerable.Range(0, Records)
            .Select(i => (User: "user-" + (i % 40).ToString(CultureInfo.InvariantCulture), Time: Base + (i * 2) + random.Next(-300, 300)))
            .ToList();
        var expected = clicks
            .GroupBy(c => (c.User, Start: c.Time - (((c.Time % 1000) + 1000) % 1000)))
            .ToDictionary(g => $"{g.Key.User}|{g.Key.Start}", g => (long)g.Count());

        // Input arrives while the job runs and dies: 30k records over about 30 s.
        using var producing = new CancellationTokenSource();
        var producer = Task.Run(() => ProduceSlowly(clicks, producing.Token));
        var kills = 0;
        while (kills < 5 || !producer.IsCompleted)
        {
            using var job = JobProcess.Start(_kafka.BootstrapServers, _data.Path, Log);
            await job.Running.WaitAsync(TimeSpan.FromSeconds(60));
            var before = Results().Count;
            using (var progress = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                while (Results().Count <= before && !producer.IsCompleted)
                {
                    await Task.Delay(50, progress.Token); // this run has emitted results: it restored and processes
                }
            }

            await Task.Delay(random.Next(0, 1000)); // a random point: processing, checkpointing, or between the two
            job.Kill();
            kills++;
            output.WriteLine($"kill {kills}: {Results().Count} results so far");
        }

        await producer;
        using (var last = JobProcess.Start(_kafka.BootstrapServers, _data.Path, Log))
        {
            await last.Running.WaitAsync(TimeSpan.FromSeconds(60));
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(120));
            while (Latest().Count < expected.Count)
            {
                await Task.Delay(200, cts.Token);
            }

            last.Kill();
        }

        output.WriteLine($"{kills} kills; {Results().Count} result records for {expected.Count} windows");
        Assert.True(kills >= 5);
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), Latest().OrderBy(e => e.Key, StringComparer.Ordinal));
        var written = Results().Where(r => !r.StartsWith("zz-end", StringComparison.Ordinal)).ToList();
        Assert.Equal(written.Count, written.Distinct(StringComparer.Ordinal).Count()); // nothing twice
        Assert.Equal(expected.Count, written.Count);
    }

    private void Log(string line)
    {
        try
        {
            output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // the test has finished; nothing to report to
        }
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }

    private void ProduceSlowly(List<(string User, long Time)> clicks, CancellationToken stop)
    {
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = _kafka.BootstrapServers, LingerMs = 5 }).Build();
        for (var i = 0; i < clicks.Count && !stop.IsCancellationRequested; i++)
        {
            producer.Produce("clicks", new Message<string, string> { Key = clicks[i].User, Value = clicks[i].Time.ToString(CultureInfo.InvariantCulture) });
            if (i % 500 == 499)
            {
                producer.Flush(TimeSpan.FromSeconds(10));
                Thread.Sleep(500); // pacing the input, not waiting for a result
            }
        }

        // Every partition's watermark must pass the last real window.
        for (var p = 0; p < 4; p++)
        {
            producer.Produce(new TopicPartition("clicks", p), new Message<string, string> { Key = "zz-end", Value = (Base + 10_000_000).ToString(CultureInfo.InvariantCulture) });
        }

        producer.Flush(TimeSpan.FromSeconds(30));
    }

    /// <summary>The latest count per (user, window): the output topic read as an upsert table.</summary>
    private Dictionary<string, long> Latest() =>
        Results().Select(r => r.Split('|')).Where(p => p[0] != "zz-end")
            .GroupBy(p => p[0] + "|" + p[1]).ToDictionary(g => g.Key, g => long.Parse(g.Last()[2], CultureInfo.InvariantCulture));

    private List<string> Results()
    {
        using var c = new ConsumerBuilder<Ignore, string>(new ConsumerConfig { BootstrapServers = _kafka.BootstrapServers, GroupId = "reader" }).Build();
        c.Assign(new TopicPartitionOffset("counts", 0, Offset.Beginning));
        var end = c.QueryWatermarkOffsets(new TopicPartition("counts", 0), TimeSpan.FromSeconds(10)).High.Value;
        var all = new List<string>();
        while (all.Count < end && c.Consume(TimeSpan.FromSeconds(5)) is { } r)
        {
            all.Add(r.Message.Value);
        }

        return all;
    }
}
