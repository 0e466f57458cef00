using System.Globalization;

namespace ActorFlow.Benchmarks.Runtime;

/// <summary>Samples the 1-minute load average (/proc/loadavg) every 2 s while the benchmark runs (the machine is shared).</summary>
public sealed class LoadSampler : IDisposable
{
    private readonly List<double> _samples = [];
    private readonly Timer _timer;

    public LoadSampler() => _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromSeconds(2));

    public double Mean
    {
        get
        {
            lock (_samples)
            {
                return _samples.Count == 0 ? double.NaN : _samples.Average();
            }
        }
    }

    public double Max
    {
        get
        {
            lock (_samples)
            {
                return _samples.Count == 0 ? double.NaN : _samples.Max();
            }
        }
    }

    /// <summary>The load averages as <c>uptime</c> prints them (1, 5, 15 min).</summary>
    public static string Uptime() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        if (!File.Exists("/proc/loadavg"))
        {
            return;
        }

        var value = double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        lock (_samples)
        {
            _samples.Add(value);
        }
    }
}
