using System.Buffers;
using ActorFlow.Operators;
using ActorFlow.Operators.Serialization;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. The operators of every stage of one hop in one key group, as its entity runs them: a record goes to
/// the stage its port names, a chained stage gets what the stage before it emits in place, and time moves for all of
/// them in stage order (a stage fires before the stages chained to it see the watermark). One snapshot holds them
/// all: <c>AFSG</c>, a count, and each stage's name and snapshot, restored by name (also a hop of one stage since
/// 2026-12-07; the lone operator's snapshot as it is, which earlier builds wrote, still restores into a hop of one
/// stage, and earlier builds cannot read the named layout).
/// </summary>
internal sealed class StageGroupHost : IKeyGroupHost
{
    private const int Magic = 0x47534641; // "AFSG" little-endian
    private const int Version = 1;
    private readonly IStageHost[] _stages;
    // Indexed by stage input (the job's port ids are small, dense integers): looked up per record.
    private readonly IStageHost?[] _ports;
    private readonly DrivenClock _clock = new();
    private readonly bool _endsProcessingTime;
    private readonly bool _allowNonRestoredState;
    private long _watermark = long.MinValue;

    /// <param name="stages">The stages of the key group's hop.</param>
    /// <param name="keyGroup">The key group.</param>
    /// <param name="maxParallelism">The job's number of key groups.</param>
    /// <param name="endsProcessingTime">
    /// Batch mode: the end-of-input watermark also fires every pending processing-time timer, stage by stage (each right
    /// after its event-time ones, so what it emits reaches the stages chained after it before their end of input).
    /// </param>
    /// <param name="allowNonRestoredState">A snapshot's state of an operator this hop lacks is dropped instead of refused.</param>
    public StageGroupHost(IEnumerable<StageNode> stages, int keyGroup, int maxParallelism, bool endsProcessingTime = false, bool allowNonRestoredState = false)
    {
        _endsProcessingTime = endsProcessingTime;
        _allowNonRestoredState = allowNonRestoredState;
        // Operators built without a clock of their own read this one, which is set to each input's processing time: a
        // local restart's replay then reads the same times.
        using (DrivenClock.Building(_clock))
        {
            _stages = [.. stages.OrderBy(s => s.Index).Select(s => s.CreateHost(keyGroup, maxParallelism))];
        }

        var ports = new Dictionary<int, IStageHost>();
        foreach (var host in _stages)
        {
            if (host.Stage.ChainedTo is { } before)
            {
                _stages.Single(h => ReferenceEquals(h.Stage, before)).Downstream.Add(host);
            }

            foreach (var (port, _, _) in host.Stage.PortCodecs)
            {
                ports[port] = host;
            }
        }

        _ports = new IStageHost?[ports.Count == 0 ? 0 : ports.Keys.Max() + 1];
        foreach (var (port, host) in ports)
        {
            _ports[port] = host;
        }
    }

    public long? NextProcessingTimeTimer
    {
        get
        {
            // Read at every batch (the entity fires due timers first): a loop, not LINQ iterators per batch.
            long? next = null;
            foreach (var stage in _stages)
            {
                if (stage.NextProcessingTimeTimer is { } at && (next is null || at < next))
                {
                    next = at;
                }
            }

            return next;
        }
    }

    public long Watermark => _stages.Min(s => s.CurrentWatermark);

    public bool ReplaysDeterministically => _stages.All(s => s.ReplaysDeterministically);

    public bool IsolateFailures
    {
        get => _stages.Any(s => s.IsolateFailures);
        set
        {
            foreach (var stage in _stages)
            {
                stage.IsolateFailures = value;
            }
        }
    }

    public void Process(IReadOnlyList<Routed> records, long watermark, long nowMs, List<Emitted> output)
    {
        _clock.NowMs = nowMs;
        for (var i = 0; i < records.Count; i++)
        {
            var r = records[i];
            if (r.Watermark > _watermark)
            {
                // The watermark travels ahead of the records read after it: the record is judged against it here as in
                // every other key group (windows it closes fire first).
                Advance(r.Watermark, output);
            }

            Port(r.Target).Element(r, output);
        }

        if (watermark > _watermark)
        {
            Advance(watermark, output);
        }

        AdvanceProcessingTime(nowMs, output);
    }

    /// <summary>
    /// Applies one record as <see cref="Process"/> applies each of its records (its watermark first), for a key group run
    /// in place (<see cref="LocalKeyGroups"/>); processing time is the last one given to <see cref="SetProcessingTime"/>.
    /// </summary>
    public void Element(in Routed record, List<Emitted> output)
    {
        if (record.Watermark > _watermark)
        {
            Advance(record.Watermark, output);
        }

        Port(record.Target).Element(record, output);
    }

    private IStageHost Port(int target) =>
        (uint)target < (uint)_ports.Length && _ports[target] is { } stage
            ? stage
            : throw new InvalidDataException($"A record arrived for stage input {target}, which no stage of this hop has.");

    /// <summary>Moves every stage to <paramref name="watermark"/> if it is later (windows and event-time timers fire).</summary>
    public void AdvanceWatermark(long watermark, List<Emitted> output)
    {
        if (watermark > _watermark)
        {
            Advance(watermark, output);
        }
    }

    /// <summary>The processing time the operators read (their clock) until the next call, without firing timers.</summary>
    public void SetProcessingTime(long nowMs) => _clock.NowMs = nowMs;

    public void AdvanceProcessingTime(long nowMs, List<Emitted> output)
    {
        _clock.NowMs = nowMs;
        foreach (var stage in _stages)
        {
            stage.AdvanceProcessingTime(nowMs, output);
        }
    }

    public byte[] Snapshot()
    {
        // Every operator's state under its name, also alone in its hop: a later version of the job that adds an operator
        // to the hop, or puts another one where it was, restores each by name (as Flink matches state by uid).
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new StateWriter(buffer);
        writer.WriteInt32(Magic);
        writer.WriteInt32(Version);
        writer.WriteInt32(_stages.Length);
        foreach (var stage in _stages)
        {
            writer.WriteString(stage.Stage.Name);
            writer.WriteBytes(stage.Snapshot());
        }

        return buffer.WrittenSpan.ToArray();
    }

    public void Restore(byte[] state)
    {
        if (state.Length < 4 || BitConverter.ToInt32(state, 0) != Magic)
        {
            // Written by a build that did not name a hop's only operator.
            if (_stages.Length != 1)
            {
                throw new InvalidDataException(
                    $"The snapshot holds the state of one unnamed operator (written before operator names were kept), but this hop runs {_stages.Length} "
                    + $"({string.Join(", ", _stages.Select(s => "'" + s.Stage.Name + "'"))}): take a savepoint of the unchanged job with this build first, then upgrade the job from it.");
            }

            RestoreStage(_stages[0], state);
            _watermark = _stages[0].CurrentWatermark;
            return;
        }

        var reader = new StateReader(state);
        reader.ReadInt32();
        var version = reader.ReadInt32();
        if (version != Version)
        {
            throw new InvalidDataException($"Unsupported key-group snapshot version {version} (this build reads {Version}).");
        }

        var count = reader.ReadInt32();
        var byName = _stages.ToDictionary(s => s.Stage.Name, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString() ?? "";
            var bytes = reader.ReadBytes() ?? [];
            if (!byName.TryGetValue(name, out var stage))
            {
                if (_allowNonRestoredState)
                {
                    continue; // dropped, as the options allow (Flink's allowNonRestoredState)
                }

                throw new InvalidDataException(
                    $"The snapshot holds the state of operator '{name}', which this hop of the job does not have (its operators here: {(byName.Count == 0 ? "none" : string.Join(", ", byName.Keys.Select(n => "'" + n + "'")))}): "
                    + "an operator removed, renamed or moved to another hop. Keep its name, or drop its state with JobRunnerOptions.AllowNonRestoredState.");
            }

            // A stage the snapshot does not name is new in this version of the job: it starts empty.
            RestoreStage(stage, bytes);
        }

        _watermark = Watermark;
    }

    private static void RestoreStage(IStageHost stage, byte[] bytes)
    {
        try
        {
            stage.Restore(bytes);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new InvalidDataException($"operator '{stage.Stage.Name}' cannot read its state ({e.GetType().Name}: {e.Message}); a changed state or key type needs a serializer that reads the old bytes (docs/runtime.md, \"State schema versioning\")", e);
        }
    }

    private void Advance(long watermark, List<Emitted> output)
    {
        _watermark = watermark;
        var end = _endsProcessingTime && watermark == Operators.Watermark.EndOfInput;
        foreach (var stage in _stages)
        {
            stage.AdvanceWatermark(watermark, output);
            if (end)
            {
                stage.EndProcessingTime(output);
            }
        }
    }
}
