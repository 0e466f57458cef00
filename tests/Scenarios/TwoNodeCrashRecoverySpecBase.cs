using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace ActorFlow.Scenarios;

/// <summary>
/// The scenario jobs on a two-node cluster of two OS processes sharing one state store: node A runs both jobs (and
/// hosts key groups), node B only hosts key groups. One node at a time is killed with SIGKILL — B and A in turn, at
/// random points, during a checkpoint and between a durable checkpoint record and its publishing — and the other
/// must notice and stop by itself (job-wide failover: see tests/Scenarios.Job/Failover.cs); both are then started
/// again and the jobs restore their last complete checkpoint. Derived classes choose the state store.
/// </summary>
public abstract class TwoNodeCrashRecoverySpecBase : IDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly ClickScenario _scenario = new(records: 20_000, seed: 2027);
    private readonly CancellationTokenSource _producing = new();
    /// <summary>Who is killed where, in order: both nodes, each kill point on node A (which runs the jobs and publishes).</summary>
    private static readonly (bool NodeA, KillPoint Point)[] Plan =
    [
        (false, KillPoint.Processing),
        (true, KillPoint.BetweenSnapshotAndCommit),
        (false, KillPoint.DuringCheckpoint),
        (true, KillPoint.DuringCheckpoint),
        (true, KillPoint.Processing),
    ];

    private readonly int _portA;
    private readonly int _portB;
    private JobProcess? _nodeA;
    private JobProcess? _nodeB;

    protected TwoNodeCrashRecoverySpecBase(ITestOutputHelper output)
    {
        _output = output;
        // Node A gets the lower port: on a tie the split-brain resolver keeps the side with the lowest address.
        var (one, two) = (FreePort(), FreePort());
        (_portA, _portB) = (Math.Min(one, two), Math.Max(one, two));
    }

    /// <summary>The data directory passed to both nodes (the SQLite file lives there).</summary>
    protected ActorFlow.Tests.Shared.TempDirectory Data { get; } = new("actorflow-scenario-2n");

    /// <summary>The state-store options both nodes get (none: SQLite in <see cref="Data"/>).</summary>
    protected abstract string[] StateOptions { get; }

    /// <summary>
    /// True: the nodes run with <c>--no-failover</c>; the survivor of a kill keeps running and the runtime's own
    /// failover (a key group that lost its state makes the job restart from its last complete checkpoint) must
    /// produce exact results while only the killed node is started again.
    /// </summary>
    protected virtual bool RuntimeFailover => false;

    /// <summary>
    /// Verify that with a node of a two-node cluster killed at least five times (each node in turn, at random points,
    /// during a checkpoint, between snapshot and commit) and restarted each time, both jobs end with exactly the output
    /// of a failure-free run: every window's count and every bucket's count and running total, each once.
    /// </summary>
    [Fact]
    public async Task A_node_killed_at_random_points_must_end_with_the_failure_free_results()
    {
        var random = new Random(2027);
        // Input flows for about 50 s, while most of the kills happen.
        var producer = _scenario.ProduceAsync(500, TimeSpan.FromMilliseconds(1200), _producing.Token);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await StartNodesAsync(fresh: true);
        var kills = 0;
        while (kills < Plan.Length)
        {
            if (!await AwaitProgressAsync(producer))
            {
                continue; // a node stopped on its own (a false failure detection): both were restarted, no kill counted
            }

            // With the runtime's failover only node B is killed: on two nodes the split-brain resolver keeps the side
            // with the lowest address (node A's), so a killed A takes B down with it and both restart anyway.
            var victimIsA = Plan[kills].NodeA && !RuntimeFailover;
            var (victim, survivor) = victimIsA ? (_nodeA!, _nodeB!) : (_nodeB!, _nodeA!);
            var point = await KillPoints.ReachAsync(_nodeA!, Plan[kills].Point, random);
            victim.Kill();
            kills++;
            var killedAt = clock.Elapsed;
            if (RuntimeFailover)
            {
                Log($"kill {kills}: {victim.Name} {point}; {survivor.Name} keeps running; "
                    + $"{_scenario.Read("counts").Count} counts, {_scenario.Read("totals").Count} totals so far ({clock.Elapsed.TotalSeconds:F0} s)");
                await RestartAsync(nodeA: false);
                continue;
            }

            using (var failover = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                await survivor.ExitedAsync(failover.Token); // the survivor must notice the loss and stop by itself
            }

            Log($"kill {kills}: {victim.Name} {point}; {survivor.Name} stopped itself after {(clock.Elapsed - killedAt).TotalSeconds:F1} s; "
                + $"{_scenario.Read("counts").Count} counts, {_scenario.Read("totals").Count} totals so far ({clock.Elapsed.TotalSeconds:F0} s)");
            await StartNodesAsync();
        }

        await producer;
        await _scenario.AwaitOutputsAsync(TimeSpan.FromSeconds(120), async () =>
        {
            if (_nodeA!.HasExited || _nodeB!.HasExited)
            {
                await RestartAfterUnexpectedStopAsync();
            }
        });

        Log($"{kills} kills; {_scenario.Read("counts").Count} counts for {_scenario.ExpectedCounts.Count} windows, "
            + $"{_scenario.Read("totals").Count} totals for {_scenario.ExpectedTotals.Count} buckets ({clock.Elapsed.TotalSeconds:F0} s)");
        Assert.True(kills >= 5);
        _scenario.AssertExactlyOnce();
    }

    public void Dispose()
    {
        _producing.Cancel();
        _nodeB?.Dispose();
        _nodeA?.Dispose();
        _producing.Dispose();
        _scenario.Dispose();
        Data.Dispose();
        GC.SuppressFinalize(this);
    }

    private string[] NodeOptions(bool runner) =>
        [.. StateOptions, "--node", runner ? "runner" : "host",
            "--port", (runner ? _portA : _portB).ToString(CultureInfo.InvariantCulture), "--seed", _portA.ToString(CultureInfo.InvariantCulture),
            .. runner ? ["--verbose"] : Array.Empty<string>(), .. RuntimeFailover ? ["--no-failover"] : Array.Empty<string>()];

    /// <summary>Starts the killed node again (the other one kept running) and waits until it runs.</summary>
    private async Task RestartAsync(bool nodeA)
    {
        if (nodeA)
        {
            _nodeA?.Dispose();
            _nodeA = JobProcess.Start(_scenario.BootstrapServers, Data.Path, Log, "node A", NodeOptions(runner: true));
            await _nodeA.Running.WaitAsync(TimeSpan.FromSeconds(90));
        }
        else
        {
            _nodeB?.Dispose();
            _nodeB = JobProcess.Start(_scenario.BootstrapServers, Data.Path, Log, "node B", NodeOptions(runner: false));
            await _nodeB.Running.WaitAsync(TimeSpan.FromSeconds(90));
        }
    }

    /// <summary>
    /// Starts node A and node B and waits until A runs the jobs. On a fresh state store B starts once A has created
    /// the tables (two nodes creating them at once race on PostgreSQL); later both start at once.
    /// </summary>
    private async Task StartNodesAsync(bool fresh = false)
    {
        _nodeA?.Dispose();
        _nodeB?.Dispose();
        _nodeA = JobProcess.Start(_scenario.BootstrapServers, Data.Path, Log, "node A", NodeOptions(runner: true));
        if (fresh)
        {
            await _nodeA.Hosting.WaitAsync(TimeSpan.FromSeconds(60));
        }

        _nodeB = JobProcess.Start(_scenario.BootstrapServers, Data.Path, Log, "node B", NodeOptions(runner: false));
        await _nodeB.Running.WaitAsync(TimeSpan.FromSeconds(60));
        await _nodeA.Running.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>
    /// Waits until the jobs emit new results (they restored and process); false when a node stopped meanwhile,
    /// after both were restarted.
    /// </summary>
    private async Task<bool> AwaitProgressAsync(Task producer)
    {
        var before = _scenario.Read("counts").Count;
        using var progress = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (_scenario.Read("counts").Count <= before && !producer.IsCompleted)
        {
            if (_nodeA!.HasExited || _nodeB!.HasExited)
            {
                await RestartAfterUnexpectedStopAsync();
                return false;
            }

            await Task.Delay(50, progress.Token);
        }

        return true;
    }

    private async Task RestartAfterUnexpectedStopAsync()
    {
        Log($"unexpected stop: node A {(_nodeA!.HasExited ? "stopped" : "runs")}, node B {(_nodeB!.HasExited ? "stopped" : "runs")}; restarting both");
        using (var failover = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            await Task.WhenAll(_nodeA.ExitedAsync(failover.Token), _nodeB.ExitedAsync(failover.Token));
        }

        await StartNodesAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Log(string line)
    {
        try
        {
            _output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // the test has finished; nothing to report to
        }
    }
}
