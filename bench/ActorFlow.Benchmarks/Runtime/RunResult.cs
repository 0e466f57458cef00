using System.Diagnostics;

namespace ActorFlow.Benchmarks.Runtime;

/// <summary>
/// One timed read of the input topic. <see cref="Steady"/> counts from the first record read to the last record
/// done (the rate once running); <see cref="WithStartUp"/> counts from creating the consumer or starting the job.
/// </summary>
/// <param name="Records">Input records read (every record of the topic).</param>
/// <param name="Start">Stopwatch timestamp when the consumer was created / the job was started.</param>
/// <param name="First">Stopwatch timestamp of the first record read.</param>
/// <param name="End">Stopwatch timestamp when the last record was consumed (raw) or its result reached the sink (job).</param>
/// <param name="Allocated">Bytes allocated by the whole process during the run (GC.GetTotalAllocatedBytes).</param>
/// <param name="GcPause">Time the runtime was paused for garbage collections during the run.</param>
/// <param name="Cpu">CPU time of the whole process (embedded broker included) from <paramref name="Start"/> to <paramref name="End"/>, start-up included.</param>
public sealed record RunResult(long Records, long Start, long First, long End, long Allocated = 0, TimeSpan GcPause = default, TimeSpan Cpu = default)
{
    /// <summary>Records per second from the first record to the end.</summary>
    public double Steady => Records / Stopwatch.GetElapsedTime(First, End).TotalSeconds;

    /// <summary>Records per second including start-up.</summary>
    public double WithStartUp => Records / Stopwatch.GetElapsedTime(Start, End).TotalSeconds;

    /// <summary>Share of the run the process spent paused for GC.</summary>
    public double GcShare => GcPause / Stopwatch.GetElapsedTime(Start, End);

    public override string ToString() =>
        $"{Steady:N0}/s steady ({WithStartUp:N0}/s with start-up {Stopwatch.GetElapsedTime(Start, First).TotalMilliseconds:N0} ms; " +
        $"{Allocated / (double)Records:N0} B allocated/record, GC paused {GcShare:P0} of the run, process CPU {Cpu.TotalMicroseconds / Records:F2} µs/record with start-up)";
}
