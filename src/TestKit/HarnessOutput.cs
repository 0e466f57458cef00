using ActorFlow.Operators;

namespace ActorFlow.TestKit;

/// <summary>One thing an operator emitted, in order: main output when <see cref="TagId"/> is <c>null</c>.</summary>
/// <param name="TagId">The side output's id, or <c>null</c> for the main output.</param>
/// <param name="Value">The record.</param>
/// <param name="Timestamp">Its timestamp.</param>
public readonly record struct HarnessEvent(string? TagId, object? Value, long Timestamp);

/// <summary>Collects everything an operator emits (main and side outputs), for assertions.</summary>
/// <typeparam name="TOut">The main output type.</typeparam>
public class HarnessOutput<TOut> : IOperatorOutput<TOut>
{
    private readonly List<TimestampedValue<TOut>> _output = [];
    private readonly Dictionary<(string, Type), object> _side = [];
    private readonly List<HarnessEvent> _events = [];

    /// <summary>Gets the main output so far, with timestamps.</summary>
    public IReadOnlyList<TimestampedValue<TOut>> Output => _output;

    /// <summary>Gets every main and side output so far, in emission order.</summary>
    public IReadOnlyList<HarnessEvent> Events => _events;

    /// <summary>Gets the main output values so far.</summary>
    /// <returns>The values, in emission order.</returns>
    public List<TOut> OutputValues()
    {
        var values = new List<TOut>(_output.Count);
        foreach (var record in _output)
        {
            values.Add(record.Value);
        }

        return values;
    }

    /// <summary>Gets what was sent to one side output.</summary>
    /// <typeparam name="T">The side output's type.</typeparam>
    /// <param name="tag">The side output.</param>
    /// <returns>The records, in emission order (empty when nothing was sent to the side output).</returns>
    /// <exception cref="ArgumentException">The operator sent records of another type to a side output with the tag's id
    /// (the tag's element type is wrong, e.g. <c>OutputTags.LateData&lt;string&gt;()</c> for late <c>long</c> records).</exception>
    public IReadOnlyList<TimestampedValue<T>> SideOutput<T>(OutputTag<T> tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        if (_side.TryGetValue((tag.Id, typeof(T)), out var list))
        {
            return (List<TimestampedValue<T>>)list;
        }

        foreach (var (id, type) in _side.Keys)
        {
            if (string.Equals(id, tag.Id, StringComparison.Ordinal))
            {
                throw new ArgumentException(
                    $"The side output '{tag.Id}' carries records of type {type}, not {typeof(T)}: read it with an OutputTag<{type.Name}>.",
                    nameof(tag));
            }
        }

        return [];
    }

    /// <summary>Forgets everything collected so far.</summary>
    public void ClearOutput()
    {
        _output.Clear();
        _side.Clear();
        _events.Clear();
    }

    /// <inheritdoc />
    public void Collect(TOut value, long timestamp)
    {
        _output.Add(new TimestampedValue<TOut>(value, timestamp));
        _events.Add(new HarnessEvent(null, value, timestamp));
    }

    /// <inheritdoc />
    public void CollectSide<T>(OutputTag<T> tag, T value, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(tag);
        if (!_side.TryGetValue((tag.Id, typeof(T)), out var list))
        {
            list = new List<TimestampedValue<T>>();
            _side.Add((tag.Id, typeof(T)), list);
        }

        ((List<TimestampedValue<T>>)list).Add(new TimestampedValue<T>(value, timestamp));
        _events.Add(new HarnessEvent(tag.Id, value, timestamp));
    }
}
