namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. The combined watermark of several inputs with idleness, as Flink's <c>StatusWatermarkValve</c> keeps
/// it. An input is active or idle; an active input is aligned when its watermark is at or past the combined one (every
/// input starts aligned at <see cref="long.MinValue"/>). The combined watermark is the minimum over the aligned inputs and
/// never goes back. An input that comes back from idle behind it stays unaligned (it does not hold the others back)
/// until its own watermark catches up. When the last active input goes idle while holding the combined watermark, the
/// combined watermark moves to the highest of all inputs: nothing active is left to wait for.
/// </summary>
internal sealed class WatermarkValve
{
    private readonly long[] _watermarks;
    private readonly bool[] _idle;
    private readonly bool[] _aligned;

    public WatermarkValve(int inputs)
    {
        _watermarks = new long[inputs];
        Array.Fill(_watermarks, long.MinValue);
        _idle = new bool[inputs];
        _aligned = new bool[inputs];
        Array.Fill(_aligned, true);
    }

    /// <summary>Gets the combined watermark.</summary>
    public long Watermark { get; private set; } = long.MinValue;

    /// <summary>
    /// Takes what one chunk of <paramref name="input"/> says: its watermark, and whether the input is idle (a tick of a
    /// source whose inputs are all idle) or active (a chunk of records, or any other tick). Returns the combined watermark.
    /// </summary>
    public long OnChunk(int input, long watermark, bool idle)
    {
        // As the valve takes a status change and a watermark: an input coming back is active before its watermark
        // counts; one going idle has its last watermark counted first.
        if (!idle && _idle[input])
        {
            _idle[input] = false;
            _aligned[input] = _watermarks[input] >= Watermark;
        }

        if (!_idle[input] && watermark > _watermarks[input])
        {
            _watermarks[input] = watermark;
            _aligned[input] |= watermark >= Watermark;
            AdvanceToAlignedMinimum();
        }

        if (idle && !_idle[input])
        {
            _idle[input] = true;
            _aligned[input] = false;
            if (_watermarks[input] == Watermark)
            {
                if (Array.IndexOf(_idle, false) < 0)
                {
                    AdvanceTo(_watermarks.Max());
                }
                else
                {
                    AdvanceToAlignedMinimum();
                }
            }
        }

        return Watermark;
    }

    /// <summary>Whether every input's watermark is at or past <paramref name="watermark"/>, idle inputs included.</summary>
    public bool AllAt(long watermark) => Array.TrueForAll(_watermarks, w => w >= watermark);

    private void AdvanceToAlignedMinimum()
    {
        var min = long.MaxValue;
        var any = false;
        for (var i = 0; i < _watermarks.Length; i++)
        {
            if (_aligned[i])
            {
                any = true;
                min = Math.Min(min, _watermarks[i]);
            }
        }

        if (any)
        {
            AdvanceTo(min);
        }
    }

    private void AdvanceTo(long watermark)
    {
        if (watermark > Watermark)
        {
            Watermark = watermark;
        }
    }
}
