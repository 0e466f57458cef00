using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Embedded;
using ActorFlow.TestKit;

namespace ActorFlow.Scenarios;

/// <summary>
/// The input of the scenario jobs (clicks of 40 users, event times about 2 ms apart with ±300 ms jitter) on an
/// embedded broker, and the results a failure-free run must produce, computed here from the input alone: per
/// (user, 1 s window) its count ("counts"), per window its users and clicks ("windows") and per user each window
/// with the next one's count ("pairs") — the job graph's re-partitioned stage and interval join — and per user and
/// 1 s bucket its count and the user's running total ("totals", the timer job; its last total per user is that
/// user's final state).
/// </summary>
internal sealed class ClickScenario : IDisposable
{
    private const long Base = 1_700_000_000_000;
    private const string End = "zz-end";
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1, ["totals"] = 1, ["windows"] = 1, ["pairs"] = 1 },
    });

    private readonly TestTopics _topics;
    private readonly TestTopic<(string User, long Time)> _clicks;

    public ClickScenario(int records, int seed)
    {
        _topics = new TestTopics(_kafka.BootstrapServers);
        _clicks = _topics.Topic("clicks", new TopicFormat<(string User, long Time)>(
            c => (Encoding.UTF8.GetBytes(c.User), Encoding.UTF8.GetBytes(c.Time.ToString(CultureInfo.InvariantCulture))),
            (key, value) => (Encoding.UTF8.GetString(key ?? []), long.Parse(Encoding.UTF8.GetString(value), CultureInfo.InvariantCulture))));
        var random = new Random(seed);
        Clicks = Enumerable.Range(0, records)
            .Select(i => (User: "user-" + (i % 40).ToString(CultureInfo.InvariantCulture), Time: Base + (i * 2) + random.Next(-300, 300)))
            .ToList();
        ExpectedCounts = Clicks
            .GroupBy(c => (c.User, Start: BucketStart(c.Time)))
            .ToDictionary(g => $"{g.Key.User}|{g.Key.Start}", g => (long)g.Count());
        ExpectedWindows = ExpectedCounts
            .Select(c => (Start: long.Parse(c.Key.Split('|')[1], CultureInfo.InvariantCulture), Count: c.Value))
            .GroupBy(c => c.Start)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key}|{g.Count()}|{g.Sum(c => c.Count)}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        ExpectedPairs = ExpectedCounts
            .Select(c => (User: c.Key.Split('|')[0], Start: long.Parse(c.Key.Split('|')[1], CultureInfo.InvariantCulture), Count: c.Value))
            .Where(c => ExpectedCounts.ContainsKey(string.Create(CultureInfo.InvariantCulture, $"{c.User}|{c.Start + 1000}")))
            .Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.User}|{c.Start}|{c.Count}|{ExpectedCounts[$"{c.User}|{c.Start + 1000}"]}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        ExpectedTotals = Clicks
            .GroupBy(c => c.User)
            .SelectMany(user =>
            {
                var total = 0L;
                return user.GroupBy(c => BucketStart(c.Time) + 999).OrderBy(b => b.Key)
                    .Select(b => $"{user.Key}|{b.Key}|{b.Count()}|{total += b.Count()}");
            })
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    public string BootstrapServers => _kafka.BootstrapServers;

    public List<(string User, long Time)> Clicks { get; }

    /// <summary>"user|windowStart" → count.</summary>
    public Dictionary<string, long> ExpectedCounts { get; }

    /// <summary>The count job's second stage: "windowStart|users|clicks", ordinal order.</summary>
    public List<string> ExpectedWindows { get; }

    /// <summary>The count job's interval join: "user|windowStart|count|nextCount" for each window the user's next follows, ordinal order.</summary>
    public List<string> ExpectedPairs { get; }

    /// <summary>"user|bucketEnd|count|total", ordinal order.</summary>
    public List<string> ExpectedTotals { get; }

    /// <summary>
    /// Produces the clicks in slices of <paramref name="slice"/> with a pause after each (input arrives while jobs
    /// run and die), then one far-future record per partition so that every watermark passes the last window.
    /// </summary>
    public async Task ProduceAsync(int slice, TimeSpan pause, CancellationToken stop)
    {
        for (var i = 0; i < Clicks.Count && !stop.IsCancellationRequested; i += slice)
        {
            _clicks.Produce(Clicks.Skip(i).Take(slice));
            if (i + slice <= Clicks.Count)
            {
                await Task.Delay(pause, stop); // pacing the input, not waiting for a result
            }
        }

        ProduceEndMarkers();
    }

    /// <summary>
    /// One more far-future record per partition. The source watermarks are not part of a checkpoint: a job restored
    /// from a checkpoint that already holds the offsets of the last input starts with no watermark and fires none
    /// of the windows and timers still pending in its restored state until some partition has a new record. So
    /// while waiting for the last results, the test keeps the input alive with these markers (as a live topic is).
    /// </summary>
    public void ProduceEndMarkers() => _clicks.ProduceToEveryPartition((End, Base + 10_000_000));

    /// <summary>Waits until every output is complete, producing end markers every second meanwhile.</summary>
    public Task AwaitOutputsAsync(TimeSpan timeout, Func<Task>? check = null)
    {
        var polls = 0;
        return Poll.UntilAsync(
            async () =>
            {
                if (OutputsComplete())
                {
                    return true;
                }

                if (check is not null)
                {
                    await check();
                }

                if (++polls % 10 == 0)
                {
                    ProduceEndMarkers();
                }

                return false;
            },
            timeout,
            () => $"every output ({LatestCounts().Count} of {ExpectedCounts.Count} counts, {Read("totals").Count} of {ExpectedTotals.Count} totals, "
                + $"{Read("windows").Count} of {ExpectedWindows.Count} windows, {Read("pairs").Count} of {ExpectedPairs.Count} pairs)");
    }

    /// <summary>Every record of <paramref name="topic"/> (one partition), read read_committed, end markers left out.</summary>
    public List<string> Read(string topic) =>
        [.. _topics.Topic(topic, TopicFormat.Utf8).ReadToEnd().Where(r => !r.StartsWith(End, StringComparison.Ordinal))];

    /// <summary>The latest count per (user, window): "counts" read as an upsert table.</summary>
    public Dictionary<string, long> LatestCounts() =>
        OutputAssert.Latest(Read("counts").Select(r => r.Split('|')), p => p[0] + "|" + p[1])
            .ToDictionary(e => e.Key, e => long.Parse(e.Value[2], CultureInfo.InvariantCulture));

    /// <summary>Whether every output holds (at least) as many results as the reference.</summary>
    public bool OutputsComplete() => LatestCounts().Count >= ExpectedCounts.Count && Read("totals").Count >= ExpectedTotals.Count
        && Read("windows").Count >= ExpectedWindows.Count && Read("pairs").Count >= ExpectedPairs.Count;

    /// <summary>
    /// Every output equals the reference: every window's count, every window's summary and pair of consecutive windows
    /// (the job graph's second hop), and every bucket's count and running total, each
    /// written exactly once (nothing missing, nothing twice, no late click). A failure names what is missing, what
    /// is extra and what was written more than once.
    /// </summary>
    public void AssertExactlyOnce()
    {
        var expectedCounts = ExpectedCounts.Select(e => $"{e.Key}|{e.Value}").Order(StringComparer.Ordinal).ToList();
        OutputAssert.Equivalent(expectedCounts, Read("counts"), StringComparer.Ordinal, "\"counts\"");
        OutputAssert.Equivalent(ExpectedTotals, Read("totals"), StringComparer.Ordinal, "\"totals\"");
        OutputAssert.Equivalent(ExpectedWindows, Read("windows"), StringComparer.Ordinal, "\"windows\"");
        OutputAssert.Equivalent(ExpectedPairs, Read("pairs"), StringComparer.Ordinal, "\"pairs\"");
    }

    public void Dispose()
    {
        _topics.Dispose();
        _kafka.Dispose();
    }

    private static long BucketStart(long time) => time - (((time % 1000) + 1000) % 1000);
}
