using ActorFlow.Operators.Serialization;

namespace ActorFlow.Operators.Watermarks;

/// <summary>
/// Combines the watermarks of several inputs (partitions, upstream sources, the two inputs of a join) as the
/// minimum over the ACTIVE inputs. An idle input does not hold the combined watermark back; when it becomes
/// active again it counts again, but the combined watermark never goes backwards. When every input is
/// idle, the combined watermark stays where it is and <see cref="IsIdle"/> is <c>true</c>.
/// </summary>
internal sealed class WatermarkCombiner
{
    private long[] _watermarks;
    private bool[] _idle;

    /// <summary>Creates a combiner of <paramref name="inputs"/> inputs, all active at <see cref="long.MinValue"/>.</summary>
    /// <param name="inputs">The number of inputs (at least one).</param>
    /// <exception cref="ArgumentException"><paramref name="inputs"/> is less than one.</exception>
    public WatermarkCombiner(int inputs)
    {
        if (inputs < 1)
        {
            throw new ArgumentException("A watermark combiner needs at least one input.", nameof(inputs));
        }

        _watermarks = new long[inputs];
        Array.Fill(_watermarks, long.MinValue);
        _idle = new bool[inputs];
    }

    /// <summary>Gets the number of inputs.</summary>
    public int InputCount => _watermarks.Length;

    /// <summary>Gets the combined watermark (<see cref="long.MinValue"/> until every active input has one).</summary>
    public long CombinedWatermark { get; private set; } = long.MinValue;

    /// <summary>Gets a value indicating whether every input is idle.</summary>
    public bool IsIdle
    {
        get
        {
            foreach (var idle in _idle)
            {
                if (!idle)
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Records a watermark of one input (which also marks it active).</summary>
    /// <param name="input">The input's index.</param>
    /// <param name="watermark">Its watermark; lower than its previous one is ignored.</param>
    /// <returns><c>true</c> when the combined watermark advanced.</returns>
    public bool UpdateWatermark(int input, long watermark)
    {
        _idle[input] = false;
        if (watermark > _watermarks[input])
        {
            _watermarks[input] = watermark;
        }

        return Recompute();
    }

    /// <summary>Marks one input idle.</summary>
    /// <param name="input">The input's index.</param>
    /// <returns><c>true</c> when the combined watermark advanced.</returns>
    public bool MarkIdle(int input)
    {
        _idle[input] = true;
        return Recompute();
    }

    /// <summary>Marks one input active again (it holds the watermark back from now on).</summary>
    /// <param name="input">The input's index.</param>
    public void MarkActive(int input) => _idle[input] = false;

    /// <summary>Writes the combiner's state.</summary>
    /// <param name="writer">The destination.</param>
    public void Snapshot(StateWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteInt32(_watermarks.Length);
        for (var i = 0; i < _watermarks.Length; i++)
        {
            writer.WriteInt64(_watermarks[i]);
            writer.WriteBoolean(_idle[i]);
        }

        writer.WriteInt64(CombinedWatermark);
    }

    /// <summary>Restores state written by <see cref="Snapshot"/>.</summary>
    /// <param name="reader">The source.</param>
    public void Restore(ref StateReader reader)
    {
        var count = reader.ReadInt32();
        _watermarks = new long[count];
        _idle = new bool[count];
        for (var i = 0; i < count; i++)
        {
            _watermarks[i] = reader.ReadInt64();
            _idle[i] = reader.ReadBoolean();
        }

        CombinedWatermark = reader.ReadInt64();
    }

    private bool Recompute()
    {
        var min = long.MaxValue;
        var anyActive = false;
        for (var i = 0; i < _watermarks.Length; i++)
        {
            if (!_idle[i])
            {
                anyActive = true;
                min = Math.Min(min, _watermarks[i]);
            }
        }

        if (anyActive && min > CombinedWatermark)
        {
            CombinedWatermark = min;
            return true;
        }

        return false;
    }
}
