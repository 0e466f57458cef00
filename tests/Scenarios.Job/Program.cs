// The scenario process: two checkpointed jobs over the "clicks" topic (see ScenarioJobs), state in SQLite (default)
// or PostgreSQL. It runs until it is killed; tests/Scenarios kills it with SIGKILL, starts it again and compares the
// results with a reference computed from the input.
//   ActorFlow.ScenarioJob <bootstrap-servers> <data-dir> [options]
//     --postgres <connection-string>   state in PostgreSQL instead of <data-dir>/actorflow-state.db
//     --node runner|host               one node of a two-node cluster: the runner runs both jobs (and hosts key
//                                      groups), the host only hosts key groups; without it, a single-node cluster
//     --port <port> --seed <port>      this node's port and the runner's port (127.0.0.1), with --node
//     --verbose                        drive checkpoints from here (every 500 ms, as the interval would) and print
//                                      "checkpoint requested" / "checkpoint <n> durable" for the count job
//     --no-failover                    with --node: keep running when the other node is lost (the runtime has no
//                                      job-wide restart; this shows what Failover.cs prevents)
//     --landing <dir>                  run only the landing job (clicks → Parquet files under <dir>, issue 18)
// Prints "hosting" (runner: region up, the host may join), then "running" (jobs started, or key groups hosted).
using ActorFlow.Persistence.Config;
using ActorFlow.ScenarioJob;
using ActorFlow.Topology.Runtime;
using Akka.Actor;
using Akka.Configuration;

var options = ScenarioOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: ActorFlow.ScenarioJob <bootstrap-servers> <data-dir> [--postgres <cs>] [--node runner|host --port <p> --seed <p>] [--verbose]");
    return 2;
}

var state = options.Postgres is { } cs ? StateStoreSettings.PostgreSql(cs) : StateStoreSettings.Sqlite(options.DataDirectory);
var interval = TimeSpan.FromMilliseconds(500);
if (options.Node is null)
{
    var system = await ActorFlowCluster.StartNodeAsync("scenario", state);
    var runnerOptions = new JobRunnerOptions { CheckpointInterval = options.Verbose ? null : interval };
    if (options.Landing is { } lake)
    {
        var landing = await JobRunner.StartAsync(system, ScenarioJobs.Landing(system, options.Servers, lake), runnerOptions);
        Console.WriteLine("running");
        return await RunAsync([landing], options.Verbose, interval);
    }

    var jobs = await Task.WhenAll(
        JobRunner.StartAsync(system, ScenarioJobs.Count(system, options.Servers), runnerOptions),
        JobRunner.StartAsync(system, ScenarioJobs.Totals(system, options.Servers), runnerOptions));
    Console.WriteLine("running");
    return await RunAsync(jobs, options.Verbose, interval);
}

// Two nodes. Failure detection is tightened so that a killed node is noticed in about two seconds.
var overrides = ConfigurationFactory.ParseString("""
    akka.cluster.failure-detector { heartbeat-interval = 500ms, acceptable-heartbeat-pause = 2s }
    akka.cluster.split-brain-resolver.stable-after = 2s
    """);
var seed = new Address("akka.tcp", "scenario", "127.0.0.1", options.Seed);
var node = await ActorFlowCluster.StartNodeAsync("scenario", state, options.Node == "runner" ? null : [seed], overrides, options.Port);
var clusterOptions = new JobRunnerOptions
{
    CheckpointInterval = options.Verbose ? null : interval,
    // A restarted job waits this long for key groups on the other node, which cannot report their restore here.
    AskTimeout = TimeSpan.FromSeconds(3),
    // The scenarios kill a node five times and give each failover 30 s: the default exponential backoff (up to 60 s,
    // reset after an hour without a failure) would outgrow that, so restart as before issue 14 (10 in a row, at once).
    RestartStrategy = RestartStrategy.FixedDelay(10, TimeSpan.Zero),
};
if (options.Node == "host")
{
    await JobRunner.HostAsync(node, ScenarioJobs.Count(node, options.Servers), clusterOptions);
    await JobRunner.HostAsync(node, ScenarioJobs.Totals(node, options.Servers), clusterOptions);
    Console.WriteLine("running");
    await (options.NoFailover ? node.WhenTerminated : Failover.WatchAsync(node));
    return 0;
}

// The runner hosts key groups and starts the jobs once the host's regions are up, so that key groups are spread over
// both nodes from the first record and never rebalanced while the jobs run (StartNodeAsync created the tables).
await JobRunner.HostAsync(node, ScenarioJobs.Count(node, options.Servers), clusterOptions);
await JobRunner.HostAsync(node, ScenarioJobs.Totals(node, options.Servers), clusterOptions);
Console.WriteLine("hosting");
await Failover.AwaitRegionsAsync(node, [ScenarioJobs.CountJob, ScenarioJobs.TotalsJob], 2, TimeSpan.FromSeconds(60));
var running = await Task.WhenAll(
    JobRunner.StartAsync(node, ScenarioJobs.Count(node, options.Servers), clusterOptions),
    JobRunner.StartAsync(node, ScenarioJobs.Totals(node, options.Servers), clusterOptions));
Console.WriteLine("running");
if (!options.NoFailover)
{
    _ = Failover.WatchAsync(node);
}

return await RunAsync(running, options.Verbose, interval);

static async Task<int> RunAsync(RunningJob[] jobs, bool verbose, TimeSpan interval)
{
    if (verbose)
    {
        _ = Task.Run(() => DriveCheckpointsAsync(jobs, interval));
    }

    // A job that fails (e.g. a key group did not answer within the ask attempts) fails the process: a supervisor
    // (the test) starts it again and every job restores its last complete checkpoint.
    var first = await Task.WhenAny(jobs.Select(j => j.Completion));
    if (first.IsFaulted)
    {
        Failover.Stop($"a job failed: {first.Exception!.GetBaseException().Message}");
    }

    await Task.WhenAll(jobs.Select(j => j.Completion));
    return 0;
}

// Takes a checkpoint of every job each interval (what CheckpointInterval does), so that the start of one is known
// and printed: a test can kill the process while the count job's checkpoint is in flight, or right after its
// record is durable and before its output is published and its offsets committed.
static async Task DriveCheckpointsAsync(RunningJob[] jobs, TimeSpan interval)
{
    using var timer = new PeriodicTimer(interval);
    while (await timer.WaitForNextTickAsync())
    {
        Console.WriteLine("checkpoint requested");
        var requests = jobs.Select(async j =>
        {
            try
            {
                var record = await j.CheckpointAsync();
                if (j.Name is ScenarioJobs.CountJob or ScenarioJobs.LandingJob)
                {
                    Console.WriteLine($"checkpoint {record.CheckpointId} durable");
                }
            }
            catch (CheckpointFailedException e)
            {
                Console.WriteLine($"[WARNING] {j.Name}: {e.Message}");
            }
        }).ToArray();
        var all = Task.WhenAll(requests);
        // A request still pending after seconds is named in the output (a failing scenario shows why no checkpoint
        // was requested for a while, instead of a silent timeout).
        while (await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(5))) != all)
        {
            var pending = jobs.Where((_, i) => !requests[i].IsCompleted)
                .Select(j => $"{j.Name} (restarts {j.Restarts}, last complete checkpoint {j.LastCompletedCheckpoint})");
            Console.WriteLine($"[WARNING] checkpoint requests pending for 5 s or more: {string.Join(", ", pending)}");
        }

        await all;
    }
}
