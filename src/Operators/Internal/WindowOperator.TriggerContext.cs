using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ActorFlow.Operators.Windowing.Triggers;

namespace ActorFlow.Operators.Internal;

/// <summary>The reused trigger context, bound to one (key, window) at a time.</summary>
internal sealed partial class WindowOperator<TKey, TIn, TState, TOut>
{
    private sealed class TriggerContext(WindowOperator<TKey, TIn, TState, TOut> op) : IOnMergeContext
    {
        private StateKey<TKey> _current;

        /// <summary>Gets or sets the cells of the windows merged into the current one, during <see cref="Trigger.OnMerge"/>.</summary>
        public List<MergedCell>? MergedStates { get; set; }

        public long CurrentWatermark => op.CurrentWatermark;

        public long CurrentProcessingTime => op.CurrentProcessingTime;

        public int MergedWindowCount => MergedStates?.Count ?? 0;

        public void Bind(StateKey<TKey> current) => _current = current;

        public void RegisterEventTimeTimer(long time) => op._eventTimers.Register(_current.Key, _current.Namespace, time);

        public void DeleteEventTimeTimer(long time) => op._eventTimers.Delete(_current.Key, _current.Namespace, time);

        public void RegisterProcessingTimeTimer(long time) => op._processingTimers.Register(_current.Key, _current.Namespace, time);

        public void DeleteProcessingTimeTimer(long time) => op._processingTimers.Delete(_current.Key, _current.Namespace, time);

        public bool TryGetState(out long value)
        {
            ref var entry = ref op._windows.Find(_current);
            if (Unsafe.IsNullRef(ref entry) || !entry.HasTriggerState)
            {
                value = 0;
                return false;
            }

            value = entry.TriggerState;
            return true;
        }

        public void SetState(long value)
        {
            ref var entry = ref op._windows.GetOrAdd(_current);
            entry.HasTriggerState = true;
            entry.TriggerState = value;
        }

        public void ClearState()
        {
            ref var entry = ref op._windows.Find(_current);
            if (Unsafe.IsNullRef(ref entry))
            {
                return;
            }

            entry.HasTriggerState = false;
            entry.TriggerState = 0;
            if (!entry.HasContents)
            {
                op._windows.Remove(_current);
            }
        }

        public bool TryGetMergedState(int index, out long value)
        {
            // Reading a cell takes it over for the merged window (Flink's mergePartitionedState): the old window's Clear no longer sees it.
            ref var cell = ref CollectionsMarshal.AsSpan(MergedStates!)[index];
            cell.Taken = true;
            value = cell.Value;
            return cell.Has;
        }
    }
}
