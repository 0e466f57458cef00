using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace ActorFlow.Benchmarks.Runtime;

/// <summary>
/// Diagnostic (<c>--allocations 1</c>): the runtime's GC AllocationTick events (one per ~100 KB allocated, naming the
/// type of the object that crossed the mark) summed by type, so the largest allocators of a run show without a
/// profiler. A sample, not an exact count: types allocated often and large dominate it as they dominate the heap.
/// </summary>
public sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);

    /// <summary>Forgets what was sampled so far.</summary>
    public void Reset() => _bytes.Clear();

    /// <summary>The <paramref name="n"/> types with the most sampled bytes, with their share of the sample.</summary>
    public IEnumerable<(string Type, double Share)> Top(int n)
    {
        var total = Math.Max(1, _bytes.Values.Sum());
        return _bytes.OrderByDescending(kv => kv.Value).Take(n).Select(kv => (kv.Key, kv.Value / (double)total));
    }

    /// <inheritdoc />
    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    /// <inheritdoc />
    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName is not { } name || !name.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.PayloadNames is null)
        {
            return;
        }

        var type = eventData.PayloadNames.IndexOf("TypeName") is var t and >= 0 ? eventData.Payload![t] as string ?? "?" : "?";
        var amount = eventData.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(eventData.Payload![a], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
        _bytes.AddOrUpdate(type, amount, (_, v) => v + amount);
    }
}
