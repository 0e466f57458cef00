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

    /// <summary>Asserts that the main output so far is <paramref name="expected"/>, in order; the failure shows the first difference.</summary>
    /// <param name="expected">The expected values.</param>
    /// <exception cref="OutputMismatchException">The output differs.</exception>
    public void AssertOutput(params IEnumerable<TOut> expected) => OutputAssert.Ordered(expected, OutputValues());

    /// <summary>Asserts that the main output so far holds <paramref name="expected"/>, each as often, in any order.</summary>
    /// <param name="expected">The expected values.</param>
    /// <exception cref="OutputMismatchException">The output differs; the failure lists what is missing and what is not expected.</exception>
    public void AssertOutputInAnyOrder(params IEnumerable<TOut> expected) => OutputAssert.Equivalent(expected, OutputValues());

    /// <summary>Asserts that the main output so far is <paramref name="expected"/> (values with their timestamps), in order.</summary>
    /// <param name="expected">The expected values and timestamps (epoch ms).</param>
    /// <exception cref="OutputMismatchException">The output differs.</exception>
    public void AssertTimestampedOutput(params IEnumerable<(TOut Value, long Timestamp)> expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        OutputAssert.Ordered(expected, _output.Select(o => (o.Value, o.Timestamp)));
    }

    /// <summary>Asserts that the side output <paramref name="tag"/> received <paramref name="expected"/> so far, in order.</summary>
    /// <typeparam name="T">The side output's type.</typeparam>
    /// <param name="tag">The side output.</param>
    /// <param name="expected">The expected values.</param>
    /// <exception cref="OutputMismatchException">The side output differs.</exception>
    public void AssertSideOutput<T>(OutputTag<T> tag, params IEnumerable<T> expected) =>
        OutputAssert.Ordered(expected, SideOutput(tag).Select(r => r.Value));

    /// <summary>Asserts that nothing was emitted so far, neither to the main output nor to a side output.</summary>
    /// <exception cref="OutputMismatchException">Something was emitted; the failure lists it.</exception>
    public void AssertNoOutput()
    {
        if (_events.Count > 0)
        {
            throw new OutputMismatchException(
                $"Expected no output, but the operator emitted {_events.Count} records: " +
                string.Join(", ", _events.Take(10).Select(e => $"{(e.TagId is null ? "" : $"[{e.TagId}] ")}{e.Value}@{e.Timestamp}")) +
                (_events.Count > 10 ? ", …" : ""));
        }
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
