using System.Diagnostics.Metrics;

namespace FraudDetection.App;

/// <summary>Reads the job's counters from the <c>ActorFlow</c> meter (records read, dead letters) while it runs.</summary>
public sealed class JobMeter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly string _job;
    private long _recordsIn;
    private long _deadLetters;

    /// <summary>Initializes a new instance of the <see cref="JobMeter"/> class and starts listening.</summary>
    /// <param name="job">The job's name.</param>
    public JobMeter(string job)
    {
        _job = job;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "ActorFlow" && instrument.Name is "actorflow.records.in" or "actorflow.records.dead")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    /// <summary>Gets the records the job's sources read in this process.</summary>
    public long RecordsIn => Interlocked.Read(ref _recordsIn);

    /// <summary>Gets the dead letters of this process's job.</summary>
    public long DeadLetters => Interlocked.Read(ref _deadLetters);

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == "job" && (string?)tag.Value != _job)
            {
                return;
            }
        }

        if (instrument.Name == "actorflow.records.in")
        {
            Interlocked.Add(ref _recordsIn, value);
        }
        else
        {
            Interlocked.Add(ref _deadLetters, value);
        }
    }
}
