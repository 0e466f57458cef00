namespace ActorFlow.Operators.Tests.Properties;

/// <summary>
/// A straightforward model of event-time windows with allowed lateness: group by key and window; a window
/// fires once when the watermark reaches end − 1 and again for each record accepted after that; a record is
/// late (side output) when every window it belongs to has end − 1 + lateness ≤ watermark.
/// </summary>
internal sealed class WindowReference
{
    private readonly Func<long, IEnumerable<(long Start, long End)>> _windowsOf;
    private readonly long _lateness;
    private readonly Dictionary<(string Key, long Start, long End), long> _sums = [];
    private long _watermark = long.MinValue;

    public WindowReference(Func<long, IEnumerable<(long Start, long End)>> windowsOf, long lateness)
    {
        _windowsOf = windowsOf;
        _lateness = lateness;
    }

    public static IEnumerable<(long, long)> Tumbling(long ts, long size)
    {
        var start = Scenario.FloorDiv(ts, size) * size;
        yield return (start, start + size);
    }

    public static IEnumerable<(long, long)> Sliding(long ts, long size, long slide)
    {
        for (var start = Scenario.FloorDiv(ts, slide) * slide; start > ts - size; start -= slide)
        {
            yield return (start, start + size);
        }
    }

    /// <summary>Applies one step; returns (results, late records).</summary>
    public (List<string> Results, List<string> Late) Apply(Step step)
    {
        var results = new List<string>();
        var late = new List<string>();
        if (step.IsWatermark)
        {
            if (step.Time <= _watermark)
            {
                return (results, late);
            }

            var previous = _watermark;
            _watermark = step.Time;
            foreach (var ((key, start, end), sum) in _sums)
            {
                if (end - 1 > previous && end - 1 <= _watermark)
                {
                    results.Add($"{key}@[{start},{end})={sum}");
                }
            }

            foreach (var window in _sums.Keys.Where(w => w.End - 1 + _lateness <= _watermark).ToList())
            {
                _sums.Remove(window);
            }

            return (results, late);
        }

        var accepted = false;
        foreach (var (start, end) in _windowsOf(step.Time))
        {
            if (end - 1 + _lateness <= _watermark)
            {
                continue;
            }

            accepted = true;
            var window = (step.Key, start, end);
            _sums[window] = _sums.GetValueOrDefault(window) + step.Value;
            if (end - 1 <= _watermark)
            {
                results.Add($"{step.Key}@[{start},{end})={_sums[window]}");
            }
        }

        if (!accepted)
        {
            late.Add($"{step.Value}@{step.Time}");
        }

        return (results, late);
    }
}
