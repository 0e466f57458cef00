using System.Runtime.Serialization;
using ActorFlow.Operators;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Runtime.Internal;
using ActorFlow.Topology.Tests.EndToEnd;
using Akka.Actor;
using Akka.Serialization;

namespace ActorFlow.Topology.Tests.Serialization;

public sealed class KeyGroupMessageSerializerSpec : IDisposable
{
    private const string Job = "clicks";
    private readonly ActorSystem _system = ActorSystem.Create("wire", WireSerializationConfig.Default);

    public KeyGroupMessageSerializerSpec() =>
        JobWireFormats.Get(_system).Register(Job, WireTestJobs.ClickCounts(Job, WireTestJobs.WithClicks()).Wire!);

    public static TheoryData<object> Messages() => new()
    {
        new KeyGroupBatch(Job, 7, "src-1", 3, [], 99),
        new KeyGroupReply(Job, 7, 3, []),
        new TriggerCheckpoint(Job, 7, 12),
        new KeyGroupCheckpointed(Job, 7, 12, 40, 1024, null),
        new PruneSnapshots(Job, 7, 40),
    };

    /// <summary>Verify that every message crossing nodes is bound to the compact serializer (id 7201), never a reflective default.</summary>
    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_cross_node_message_must_use_the_binary_serializer(object message)
    {
        var serializer = _system.Serialization.FindSerializerFor(message);
        Assert.IsType<KeyGroupMessageSerializer>(serializer);
        Assert.Equal(7201, serializer.Identifier);
    }

    /// <summary>Verify that a batch keeps its header and every record's key, value (null too), timestamp, the watermark it was read under, origin, offset and raw bytes.</summary>
    [Fact]
    public void A_batch_must_round_trip()
    {
        var records = new List<Routed>
        {
            new(7, "user-0", new Click("user-0", 3), 3),
            new(7, "user-1", new Click("user-1", 1_700_000_000_123), 1_700_000_000_123, 1_699_999_999_000, "clicks/0", 17, [1, 2], [3]),
            new(7, "user-2", null, -5, 1_699_999_999_000, "clicks/0", 18, null, []),
            new(7, "ü-ñ", new Click("ü-ñ", long.MinValue), long.MaxValue, long.MaxValue, "clicks/3", 0, [0xff], null),
        };
        var back = RoundTrip(new KeyGroupBatch(Job, 7, "clicks/abc", 42, records, 1_700_000_000_000, 17));

        Assert.Equal((Job, 7, "clicks/abc", 42L, 1_700_000_000_000L, 17L), (back.JobName, back.KeyGroup, back.SourceId, back.Sequence, back.Watermark, back.BaseSnapshot));
        // Routed compares its byte arrays by reference: compare them by content.
        Assert.Equal(records.Select(r => r with { RawKey = null, RawValue = null }), back.Records.Select(r => r with { RawKey = null, RawValue = null }));
        Assert.Equal(records.Select(r => r.RawKey), back.Records.Select(r => r.RawKey));
        Assert.Equal(records.Select(r => r.RawValue), back.Records.Select(r => r.RawValue));
    }

    /// <summary>Verify that a batch in the first layout (no base snapshot) is still read, as "not checked".</summary>
    [Fact]
    public void A_batch_of_the_first_layout_must_be_read()
    {
        var v2 = Serializer.ToBinary(new KeyGroupBatch(Job, 7, "s", 3, [], 99, 5));
        // KGB1 is KGB2 without the 8-byte base snapshot after the watermark: job, key group, source id, sequence, watermark.
        var header = 4 + Job.Length + 4 + 4 + 1 + 8 + 8;
        var v1 = v2[..header].Concat(v2[(header + 8)..]).ToArray();

        var back = Assert.IsType<KeyGroupBatch>(Serializer.FromBinary(v1, "KGB1"));

        Assert.Equal((7, 3L, 99L, KeyGroupBatch.BaseNotChecked), (back.KeyGroup, back.Sequence, back.Watermark, back.BaseSnapshot));
    }

    /// <summary>Verify that the failover messages round-trip: state lost, reset and its answer.</summary>
    [Fact]
    public void The_failover_messages_must_round_trip()
    {
        var lost = new KeyGroupStateLost(Job, 12, 7, "batch 7 arrived after 5");
        var reset = new ResetKeyGroup(Job, 12);
        var done = new KeyGroupReset(Job, 12);
        Assert.Equal(lost, RoundTrip(lost));
        Assert.Equal(reset, RoundTrip(reset));
        Assert.Equal(done, RoundTrip(done));
    }

    /// <summary>Verify that the start's question to a key group on another node, and its answer, cross nodes.</summary>
    [Fact]
    public void The_restore_report_must_round_trip()
    {
        var ask = new AwaitRestore(Job, 31);
        var answer = new KeyGroupRestored(Job, 31);
        Assert.Equal(ask, RoundTrip(ask));
        Assert.Equal(answer, RoundTrip(answer));
    }

    /// <summary>
    /// Verify that a reply keeps main results and side outputs some stream reads (typed value, with the output they
    /// feed), side outputs nobody reads (tag only: still counted) and dead letters with all their fields.
    /// </summary>
    [Fact]
    public void A_reply_must_round_trip()
    {
        var dead = new DeadLetterRecord("boom", "clicks/1", 17, [1, 2], null, "count");
        var emitted = new List<Emitted>
        {
            new(EmittedKind.Main, null, "user-1|1700000000000|3", 1_700_000_000_999, 0),
            new(EmittedKind.Side, OutputTags.LateDataId, new Click("user-1", 5), 5, 1),
            new(EmittedKind.Side, OutputTags.RejectedId, "not sent anywhere", 6),
            new(EmittedKind.Dead, null, dead, 7),
        };
        var back = RoundTrip(new KeyGroupReply(Job, 9, 4, emitted));

        Assert.Equal((Job, 9, 4L), (back.JobName, back.KeyGroup, back.Sequence));
        Assert.Equal(emitted[..2], back.Emitted.Take(2));
        Assert.Equal(new Emitted(EmittedKind.Side, OutputTags.RejectedId, null, 6), back.Emitted[2]);
        var deadBack = Assert.IsType<DeadLetterRecord>(back.Emitted[3].Value);
        Assert.Equal((dead.Reason, dead.Origin, dead.Offset, dead.Operator), (deadBack.Reason, deadBack.Origin, deadBack.Offset, deadBack.Operator));
        Assert.Equal(dead.Key, deadBack.Key);
        Assert.Null(deadBack.Value);
    }

    /// <summary>Verify that a checkpoint barrier round-trips.</summary>
    [Fact]
    public void A_checkpoint_trigger_must_round_trip()
    {
        var message = new TriggerCheckpoint(Job, 127, long.MaxValue);
        Assert.Equal(message, RoundTrip(message));
    }

    /// <summary>Verify that a checkpoint acknowledgement round-trips, with and without an error.</summary>
    [Fact]
    public void A_checkpoint_acknowledgement_must_round_trip()
    {
        var ok = new KeyGroupCheckpointed(Job, 3, 8, 120, 4096, null);
        var failed = new KeyGroupCheckpointed(Job, 3, 9, -1, 0, "snapshot store unavailable");
        Assert.Equal(ok, RoundTrip(ok));
        Assert.Equal(failed, RoundTrip(failed));
    }

    /// <summary>Verify that a snapshot-pruning message round-trips.</summary>
    [Fact]
    public void A_prune_message_must_round_trip()
    {
        var message = new PruneSnapshots(Job, 5, 1234);
        Assert.Equal(message, RoundTrip(message));
    }

    /// <summary>Verify that a record of a type without a serializer fails with a message naming the type and the fix.</summary>
    [Fact]
    public void A_type_without_a_serializer_must_be_named()
    {
        var job = WireTestJobs.ClickCounts("no-serializers", null);
        Assert.Equal([typeof(Click)], job.Wire!.MissingTypes);
        Assert.Contains("'ActorFlow.Topology.Tests.EndToEnd.Click'", job.Wire.Describe(job.Name), StringComparison.Ordinal);

        JobWireFormats.Get(_system).Register(job.Name, job.Wire);
        var batch = new KeyGroupBatch(job.Name, 1, "s", 1, [new Routed(1, "u", new Click("u", 1), 1)], 0);
        var e = Assert.Throws<InvalidOperationException>(() => Serializer.ToBinary(batch));
        Assert.Contains("WithSerializers", e.Message, StringComparison.Ordinal);
        Assert.Contains("Click", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that hosting key groups of a job with a type lacking a serializer fails before any region starts, naming the type.</summary>
    [Fact]
    public async Task Hosting_a_job_without_serializers_must_fail_naming_the_type()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => JobRunner.HostAsync(_system, WireTestJobs.ClickCounts("unhostable", null)));
        Assert.Contains("cannot run on more than one node", e.Message, StringComparison.Ordinal);
        Assert.Contains("'ActorFlow.Topology.Tests.EndToEnd.Click'", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that a node that does not know the job refuses its records instead of guessing their types.</summary>
    [Fact]
    public void A_message_of_an_unknown_job_must_be_refused()
    {
        var bytes = Serializer.ToBinary(new KeyGroupReply(Job, 1, 1, []));
        using var other = ActorSystem.Create("other", WireSerializationConfig.Default);
        var e = Assert.Throws<SerializationException>(() => other.Serialization.Deserialize(bytes, 7201, "KGR1"));
        Assert.Contains("not registered on this node", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that truncated bytes fail as a serialization error, not an out-of-range read.</summary>
    [Fact]
    public void A_truncated_message_must_be_refused()
    {
        var bytes = Serializer.ToBinary(new KeyGroupBatch(Job, 7, "s", 1, [new Routed(7, "u", new Click("u", 1), 1)], 0));
        Assert.Throws<SerializationException>(() => Serializer.FromBinary(bytes[..^3], "KGB2"));
    }

    public void Dispose() => _system.Terminate().Wait(TimeSpan.FromSeconds(10));

    private SerializerWithStringManifest Serializer => (SerializerWithStringManifest)_system.Serialization.FindSerializerForType(typeof(KeyGroupBatch));

    private T RoundTrip<T>(T message)
        where T : class
    {
        var serializer = _system.Serialization.FindSerializerFor(message);
        var bytes = serializer.ToBinary(message);
        return Assert.IsType<T>(_system.Serialization.Deserialize(bytes, serializer.Identifier, Akka.Serialization.Serialization.ManifestFor(serializer, message)));
    }
}
