using ActorFlow.Topology.Runtime.Internal;

namespace ActorFlow.Topology.Tests.Runtime;

/// <summary>The local-restart log replays each input the way it was applied.</summary>
public sealed class RestartLogSpec
{
    /// <summary>
    /// Verify that a replay isolates failed firings only for the inputs that were applied isolated: an input applied
    /// normally whose firing now throws fails the restart (its state would otherwise silently differ from what was
    /// delivered), while one applied isolated replays with the failure isolated again.
    /// </summary>
    [Fact]
    public void A_RestartLog_must_replay_each_input_with_the_isolation_it_was_applied_with()
    {
        var isolatedOnly = new RestartLog(100, replaysDeterministically: true);
        isolatedOnly.Remember(new KeyGroupInput([], 1, 0, Isolated: true));
        Assert.Null(isolatedOnly.Rebuild(() => new FiringThrowsUnlessIsolated(), out var host, out var replayed));
        Assert.NotNull(host);
        Assert.Equal(1, replayed);

        var normal = new RestartLog(100, replaysDeterministically: true);
        normal.Remember(new KeyGroupInput([], 1, 0, Isolated: true));
        normal.Remember(new KeyGroupInput([], 2, 0, Isolated: false));
        var why = normal.Rebuild(() => new FiringThrowsUnlessIsolated(), out var none, out _);
        Assert.Null(none);
        Assert.Contains("replaying its 2 inputs since its last snapshot threw", why, StringComparison.Ordinal);

        // An operator factory that throws is a reason too (thrown, it left the key group's batch unanswered).
        why = normal.Rebuild(() => throw new InvalidOperationException("factory bug"), out none, out _);
        Assert.Null(none);
        Assert.Equal("its operator could not be made again (InvalidOperationException: factory bug)", why);
    }

    /// <summary>
    /// Verify that a replay applies each logged record with its key group, key, value, timestamps and input, but that
    /// the log kept neither its Kafka bytes nor its position: a replay's output (its dead letters too) is dropped, and
    /// the log holds its records until the next snapshot.
    /// </summary>
    [Fact]
    public void A_RestartLog_must_keep_its_records_without_their_Kafka_bytes()
    {
        var log = new RestartLog(100, replaysDeterministically: true);
        Routed[] records = [new(3, "k1", "v1", 10, 5, "t/0", 41, [1, 2], [3, 4], 1), new(3, "k2", "v2", 11, 5, "t/1", 7, [5], [6], 0)];
        log.Remember(new KeyGroupInput(records, 9, 0));

        var recording = new Recording();
        Assert.Null(log.Rebuild(() => recording, out _, out _));

        Assert.Equal([new Routed(3, "k1", "v1", 10, 5, Target: 1), new Routed(3, "k2", "v2", 11, 5, Target: 0)], recording.Seen);
    }

    /// <summary>A host that records what it was given.</summary>
    private sealed class Recording : IKeyGroupHost
    {
        public List<Routed> Seen { get; } = [];

        public long? NextProcessingTimeTimer => null;

        public long Watermark => 0;

        public bool ReplaysDeterministically => true;

        public bool IsolateFailures { get; set; }

        public void Process(IReadOnlyList<Routed> records, long watermark, long nowMs, List<Emitted> output) => Seen.AddRange(records);

        public void AdvanceProcessingTime(long nowMs, List<Emitted> output)
        {
        }

        public byte[] Snapshot() => [];

        public void Restore(byte[] state)
        {
        }
    }

    /// <summary>A host whose every input fires a window whose function throws, unless failures are isolated.</summary>
    private sealed class FiringThrowsUnlessIsolated : IKeyGroupHost
    {
        public long? NextProcessingTimeTimer => null;

        public long Watermark => 0;

        public bool ReplaysDeterministically => true;

        public bool IsolateFailures { get; set; }

        public void Process(IReadOnlyList<Routed> records, long watermark, long nowMs, List<Emitted> output)
        {
            if (!IsolateFailures)
            {
                throw new InvalidOperationException("window function bug");
            }
        }

        public void AdvanceProcessingTime(long nowMs, List<Emitted> output)
        {
        }

        public byte[] Snapshot() => [];

        public void Restore(byte[] state)
        {
        }
    }
}
