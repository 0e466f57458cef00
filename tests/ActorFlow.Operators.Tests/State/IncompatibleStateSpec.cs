using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Internal;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.State;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.State;

/// <summary>
/// Restored keyed state that a new version of the job declares with another type or another kind fails its restore
/// naming the state, as Flink's <c>StateMigrationException</c> and "Incompatible key/value state types"; it read as wrong
/// values instead (a long of 5,000,000,000 as the int 705,032,704, a value state as a list of one 0; found by a review
/// of state against Flink). The restored state is kept: the job's old version still reads it.
/// </summary>
public sealed class IncompatibleStateSpec
{
    /// <summary>Verify a value state written as long and declared as int fails, and the long stays in the snapshot.</summary>
    [Fact]
    public void A_value_state_whose_type_changed_must_fail_its_restore_and_keep_its_value()
    {
        var v1 = Backend();
        v1.KeyScope.GetState(new ValueStateDescriptor<long>("count")).Update(5_000_000_000);

        var v2 = Backend();
        BackendSnapshots.Restore(v2, BackendSnapshots.Snapshot(v1));
        var e = Assert.Throws<IncompatibleStateException>(() => v2.KeyScope.GetState(new ValueStateDescriptor<int>("count")));
        Assert.Contains("Keyed state 'count' (value)", e.Message, StringComparison.Ordinal);
        Assert.Contains("type changed", e.Message, StringComparison.Ordinal);
        Assert.Throws<IncompatibleStateException>(() => v2.KeyScope.GetState(new ValueStateDescriptor<int>("count"))); // not emptied by the first try

        var back = Backend();
        BackendSnapshots.Restore(back, BackendSnapshots.Snapshot(v2));
        Assert.Equal(5_000_000_000, back.KeyScope.GetState(new ValueStateDescriptor<long>("count")).Value);
    }

    /// <summary>Verify an int declared as a long fails as incompatible state (its serializer read past the value's end).</summary>
    [Fact]
    public void A_value_state_widened_from_int_to_long_must_fail_its_restore()
    {
        var v1 = Backend();
        v1.KeyScope.GetState(new ValueStateDescriptor<int>("n")).Update(7);

        var v2 = Backend();
        BackendSnapshots.Restore(v2, BackendSnapshots.Snapshot(v1));

        var e = Assert.Throws<IncompatibleStateException>(() => v2.KeyScope.GetState(new ValueStateDescriptor<long>("n")));
        Assert.Contains("Keyed state 'n' (value): a restored value cannot be read by this version's serializer", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Verify a timer that reads the changed state fails the operator even while firings are isolated (a throwing firing
    /// otherwise becomes a dead letter, and each firing would have, the state never read).
    /// </summary>
    [Fact]
    public void A_firing_that_reads_incompatible_state_must_fail_the_operator_not_the_firing()
    {
        var v1 = OperatorHarness.For(KeyedProcessOperators.Create(new StoreThenFire<long>(5)));
        v1.ProcessElement("a", 0, 1);

        var v2 = OperatorHarness.For(KeyedProcessOperators.Create(new StoreThenFire<int>(5)));
        ((IIsolatesFailures)v2.Operator).IsolateFailures = true;
        v2.Restore(v1.Snapshot());

        Assert.Throws<IncompatibleStateException>(() => v2.ProcessWatermark(100));
    }

    /// <summary>Verify a list of longs declared as a list of ints fails (each element would read as two).</summary>
    [Fact]
    public void A_list_state_whose_element_type_changed_must_fail_its_restore()
    {
        var v1 = Backend();
        v1.KeyScope.GetListState(new ListStateDescriptor<long>("seen")).AddAll([7, 7]);

        var v2 = Backend();
        BackendSnapshots.Restore(v2, BackendSnapshots.Snapshot(v1));

        Assert.Throws<IncompatibleStateException>(() => v2.KeyScope.GetListState(new ListStateDescriptor<int>("seen")));
    }

    /// <summary>Verify a value state declared as a list state under the same name fails naming both kinds, also when registered before the restore.</summary>
    [Fact]
    public void A_state_whose_kind_changed_must_fail_its_restore()
    {
        var v1 = Backend();
        v1.KeyScope.GetState(new ValueStateDescriptor<long>("v")).Update(1);
        var snapshot = BackendSnapshots.Snapshot(v1);

        var lazily = Backend();
        BackendSnapshots.Restore(lazily, snapshot);
        var e = Assert.Throws<IncompatibleStateException>(() => lazily.KeyScope.GetListState(new ListStateDescriptor<int>("v")));
        Assert.Contains("Keyed state 'v' was snapshotted as value state, but this version of the job uses it as list state", e.Message, StringComparison.Ordinal);

        var eagerly = Backend();
        eagerly.KeyScope.GetListState(new ListStateDescriptor<int>("v"));
        Assert.Throws<IncompatibleStateException>(() => BackendSnapshots.Restore(eagerly, snapshot));
    }

    /// <summary>Verify the unchanged declarations still restore (value, list, map, reducing), also from a snapshot of a restored, unread state.</summary>
    [Fact]
    public void Unchanged_state_must_restore()
    {
        var v1 = Backend();
        v1.KeyScope.GetState(new ValueStateDescriptor<long>("v")).Update(1);
        v1.KeyScope.GetListState(new ListStateDescriptor<string>("l")).Add("x");
        v1.KeyScope.GetMapState(new MapStateDescriptor<string, long>("m")).Put("a", 2);
        v1.KeyScope.GetReducingState(new ReducingStateDescriptor<long>("r", (a, b) => a + b)).Add(3);

        var unread = Backend();
        BackendSnapshots.Restore(unread, BackendSnapshots.Snapshot(v1));
        var v2 = Backend();
        BackendSnapshots.Restore(v2, BackendSnapshots.Snapshot(unread));

        Assert.Equal(1, v2.KeyScope.GetState(new ValueStateDescriptor<long>("v")).Value);
        Assert.Equal(["x"], v2.KeyScope.GetListState(new ListStateDescriptor<string>("l")).Get());
        Assert.Equal([new KeyValuePair<string, long>("a", 2)], v2.KeyScope.GetMapState(new MapStateDescriptor<string, long>("m")).Entries());
        Assert.Equal(3, v2.KeyScope.GetReducingState(new ReducingStateDescriptor<long>("r", (a, b) => a + b)).Get());
    }

    /// <summary>Stores <paramref name="write"/> in "n" on a record and sets an event-time timer at 100 that reads it.</summary>
    private sealed class StoreThenFire<T>(T write) : KeyedProcessFunction<string, long, string>
    {
        private readonly ValueStateDescriptor<T> _n = new("n");

        public override void ProcessElement(long value, Context context, ICollector<string> output)
        {
            context.State.GetState(_n).Update(write);
            context.TimerService.RegisterEventTimeTimer(100);
        }

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output) =>
            output.Collect($"{context.State.GetState(_n).Value}");
    }

    private static KeyedStateBackend<string> Backend()
    {
        var serializers = new SerializerRegistry();
        return new KeyedStateBackend<string>(serializers.Get<string>(), serializers, new ManualTimeProvider(1_796_601_600_000)) { CurrentKey = "k" };
    }
}
