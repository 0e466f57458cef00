using ActorFlow.Topology.Dsl;
using Akka.Actor;
using Akka.Event;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. The cluster singleton of a job run by <see cref="JobRunner.StartSingletonAsync"/>: it starts the job on
/// its node (retrying with a doubling pause when the start fails), and stops it when the singleton manager hands it over
/// (its node leaves the cluster), before the manager lets the next node start it. A job that ends by itself (failed
/// for good) is not started again on this node.
/// </summary>
internal sealed class JobDriver : ReceiveActor, IWithTimers
{
    private readonly JobSingleton _handle;
    private readonly Func<StreamJob> _build;
    private readonly JobRunnerOptions _options;
    private readonly JobSingletonOptions _singleton;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private RunningJob? _running;
    private bool _starting;
    private bool _stopping;
    private int _failedStarts;

    public JobDriver(JobSingleton handle, Func<StreamJob> build, JobRunnerOptions options, JobSingletonOptions singleton)
    {
        _handle = handle;
        _build = build;
        _options = options;
        _singleton = singleton;
        Receive<Start>(_ => OnStart());
        Receive<Started>(OnStarted);
        Receive<StartFailed>(OnStartFailed);
        Receive<Ended>(OnEnded);
        Receive<StopJob>(_ => OnStop());
        Receive<Stopped>(_ => Context.Stop(Self));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => Self.Tell(Start.Instance);

    protected override void PostStop()
    {
        if (_running is { } running && !running.Completion.IsCompleted && !_stopping)
        {
            // Stopped without a hand-over (the node's actor system terminates): the job ends with the node.
            _ = running.StopAsync(_singleton.StopTimeout);
        }
    }

    private void OnStart()
    {
        if (_stopping || _running is not null || _starting || _handle.Leaving)
        {
            return;
        }

        _starting = true;
        _log.Info("Job {0}: starting on this node (the job's singleton is here)", _handle.Name);
        Task<RunningJob> start;
        try
        {
            start = JobRunner.StartAsync(Context.System, _build(), _options);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            start = Task.FromException<RunningJob>(e);
        }

        _handle.Starting(start);
        start.PipeTo(Self, success: job => new Started(job), failure: e => new StartFailed(e));
    }

    private void OnStarted(Started started)
    {
        _starting = false;
        _failedStarts = 0;
        _running = started.Job;
        _handle.Started(started.Job);
        if (_stopping || _handle.Leaving)
        {
            StopRunning();
            return;
        }

        var job = started.Job;
        job.Completion.ContinueWith(t => new Ended(job, t.Exception?.GetBaseException()), TaskScheduler.Default).PipeTo(Self);
    }

    private void OnStartFailed(StartFailed failed)
    {
        _starting = false;
        _handle.StartFailed(failed.Cause);
        if (_stopping)
        {
            Context.Stop(Self);
            return;
        }

        _failedStarts++;
        var delay = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, Math.Min(_failedStarts - 1, 20)), _singleton.MaxStartRetryDelay.TotalSeconds));
        _log.Error(failed.Cause, "Job {0}: could not start on this node (attempt {1}); trying again in {2}", _handle.Name, _failedStarts, Durations.Format(delay));
        Timers.StartSingleTimer("start", Start.Instance, delay);
    }

    private void OnEnded(Ended ended)
    {
        if (!ReferenceEquals(ended.Job, _running))
        {
            return;
        }

        _handle.Ended(ended.Job);
        _running = null;
        if (_stopping || _handle.Leaving)
        {
            return; // the stop under way ends this actor, or the node's shutdown stopped the job
        }

        if (ended.Failure is { } failure)
        {
            _log.Error(failure, "Job {0}: failed for good on this node; it stays down until its singleton moves to another node", _handle.Name);
        }
        else
        {
            _log.Info("Job {0}: stopped on this node; it starts again when its singleton moves to another node", _handle.Name);
        }
    }

    private void OnStop()
    {
        if (_stopping)
        {
            return;
        }

        _stopping = true;
        Timers.CancelAll();
        if (_running is not null)
        {
            StopRunning();
        }
        else if (!_starting)
        {
            Context.Stop(Self);
        }

        // Else the start under way ends in OnStarted (which stops the job) or OnStartFailed.
    }

    private void StopRunning()
    {
        var job = _running!;
        _log.Info("Job {0}: handing over: stopping it on this node", _handle.Name);
        job.StopAsync(_singleton.StopTimeout).ContinueWith(
            t =>
            {
                if (t.Exception is { } e)
                {
                    _log.Warning("Job {0}: its stop for the hand-over did not complete ({1}); the next node restores its last complete checkpoint", _handle.Name, e.GetBaseException().Message);
                }

                _handle.Ended(job);
                return Stopped.Instance;
            },
            TaskScheduler.Default).PipeTo(Self);
    }

    /// <summary>The singleton manager's termination message: hand the job over.</summary>
    internal sealed class StopJob
    {
        public static readonly StopJob Instance = new();

        private StopJob()
        {
        }
    }

    private sealed class Start
    {
        public static readonly Start Instance = new();
    }

    private sealed class Stopped
    {
        public static readonly Stopped Instance = new();
    }

    private sealed record Started(RunningJob Job);

    private sealed record StartFailed(Exception Cause);

    private sealed record Ended(RunningJob Job, Exception? Failure);
}
