namespace ActorFlow.Operators.Tests.Properties;

/// <summary>
/// A straightforward model of event-time session windows: per key, a list of disjoint sessions; a record
/// opens [t, t + gap) and merges every session it overlaps or touches; lateness as in <see cref="WindowReference"/>.
/// </summary>
internal sealed class SessionReference(long gap, long lateness)
{
    private readonly Dictionary<string, List<(long Start, long End, long Sum)>> _sessions = [];
    private long _watermark = long.MinValue;

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
            foreach (var (key, sessions) in _sessions)
            {
                foreach (var s in sessions)
                {
                    if (s.End - 1 > previous && s.End - 1 <= _watermark)
                    {
                        results.Add($"{key}@[{s.Start},{s.End})={s.Sum}");
                    }
                }

                sessions.RemoveAll(s => s.End - 1 + lateness <= _watermark);
            }

            return (results, late);
        }

        var list = _sessions.TryGetValue(step.Key, out var existing) ? existing : _sessions[step.Key] = [];
        long start = step.Time, end = step.Time + gap, sum = step.Value;
        var overlapping = list.Where(s => s.Start <= end && s.End >= start).ToList();
        if (overlapping.Count == 0 && end - 1 + lateness <= _watermark)
        {
            late.Add($"{step.Value}@{step.Time}");
            return (results, late);
        }

        foreach (var s in overlapping)
        {
            start = Math.Min(start, s.Start);
            end = Math.Max(end, s.End);
            sum += s.Sum;
            list.Remove(s);
        }

        list.Add((start, end, sum));
        if (end - 1 <= _watermark)
        {
            results.Add($"{step.Key}@[{start},{end})={sum}");
        }

        return (results, late);
    }
}
