using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.State;

public sealed class KeyedStateSpec
{
    /// <summary>Verify that value state is scoped per key.</summary>
    [Fact]
    public void A_ValueState_must_be_scoped_per_key()
    {
        var h = Harness(new StateProbe());
        h.ProcessElement("a", 1, 0);
        h.ProcessElement("b", 10, 0);
        h.ProcessElement("a", 2, 0);
        Assert.Equal("a value=3 list=1,2 map=2 reduce=2 agg=3", h.OutputValues()[^1]);
    }

    /// <summary>Verify that list, map, reducing and aggregating state keep their contents per key.</summary>
    [Fact]
    public void All_state_kinds_must_keep_contents_per_key()
    {
        var h = Harness(new StateProbe());
        h.ProcessElement("b", 10, 0);
        h.ProcessElement("b", 5, 0);
        Assert.Equal("b value=15 list=10,5 map=2 reduce=10 agg=15", h.OutputValues()[^1]);
    }

    /// <summary>Verify that every state kind survives a snapshot and restore.</summary>
    [Fact]
    public void All_state_kinds_must_restore_from_a_snapshot()
    {
        var h = Harness(new StateProbe());
        h.ProcessElement("a", 1, 0);
        h.ProcessElement("a", 2, 0);
        var restored = Harness(new StateProbe());
        restored.Restore(h.Snapshot());
        restored.ProcessElement("a", 4, 0);
        Assert.Equal("a value=7 list=1,2,4 map=3 reduce=4 agg=7", restored.OutputValues()[^1]);
    }

    /// <summary>Verify that a state entry expires after its TTL in processing time and is not returned.</summary>
    [Fact]
    public void A_state_with_ttl_must_expire()
    {
        var clock = new ManualTimeProvider(0);
        var h = new OperatorHarness<string, long, string>(KeyedProcessOperators.Create(new TtlProbe(), clock: clock), clock);
        h.ProcessElement("a", 1, 0);
        clock.SetUtcNow(999);
        h.ProcessElement("a", 0, 0);
        clock.SetUtcNow(2_000);
        h.ProcessElement("a", 0, 0);
        Assert.Equal(["1", "1", "none"], h.OutputValues());
    }

    /// <summary>Verify that expired entries are left out of snapshots.</summary>
    [Fact]
    public void Expired_state_must_not_be_snapshotted()
    {
        var clock = new ManualTimeProvider(0);
        var h = new OperatorHarness<string, long, string>(KeyedProcessOperators.Create(new TtlProbe(), clock: clock), clock);
        h.ProcessElement("a", 1, 0);
        var withEntry = h.Snapshot().Length;
        clock.SetUtcNow(5_000);
        Assert.True(h.Snapshot().Length < withEntry);
    }

    /// <summary>Verify that using a name for two kinds of state is refused.</summary>
    [Fact]
    public void A_state_name_must_not_be_reused_for_another_kind() =>
        Assert.Throws<InvalidOperationException>(() => Harness(new ConflictingStates()));

    private static OperatorHarness<string, long, string> Harness(KeyedProcessFunction<string, long, string> f) => new(KeyedProcessOperators.Create(f));

    private sealed class StateProbe : KeyedProcessFunction<string, long, string>
    {
        private IValueState<long> _value = null!;
        private IListState<long> _list = null!;
        private IMapState<string, long> _map = null!;
        private IReducingState<long> _max = null!;
        private IAggregatingState<long, long> _sum = null!;

        public override void Open(IKeyedStateStore state)
        {
            _value = state.GetState(new ValueStateDescriptor<long>("value"));
            _list = state.GetListState(new ListStateDescriptor<long>("list"));
            _map = state.GetMapState(new MapStateDescriptor<string, long>("map"));
            _max = state.GetReducingState(new ReducingStateDescriptor<long>("max", Math.Max));
            _sum = state.GetAggregatingState(new AggregatingStateDescriptor<long, long, long>("sum", new SumAggregate()));
        }

        public override void ProcessElement(long value, Context context, ICollector<string> output)
        {
            _value.Update(_value.Value + value);
            _list.Add(value);
            _map.Put(value.ToString(System.Globalization.CultureInfo.InvariantCulture), value);
            _max.Add(value);
            _sum.Add(value);
            output.Collect($"{context.CurrentKey} value={_value.Value} list={string.Join(",", _list.Get())} map={_map.Entries().Count} reduce={_max.Get()} agg={_sum.Get()}");
        }
    }

    private sealed class TtlProbe : KeyedProcessFunction<string, long, string>
    {
        private IValueState<long> _value = null!;

        public override void Open(IKeyedStateStore state) =>
            _value = state.GetState(new ValueStateDescriptor<long>("v") { Ttl = new StateTtlConfig(TimeSpan.FromSeconds(1)) });

        public override void ProcessElement(long value, Context context, ICollector<string> output)
        {
            if (value != 0)
            {
                _value.Update(value);
            }

            output.Collect(_value.HasValue ? _value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none");
        }
    }

    private sealed class ConflictingStates : KeyedProcessFunction<string, long, string>
    {
        public override void Open(IKeyedStateStore state)
        {
            state.GetState(new ValueStateDescriptor<long>("x"));
            state.GetListState(new ListStateDescriptor<long>("x"));
        }

        public override void ProcessElement(long value, Context context, ICollector<string> output)
        {
        }
    }
}
