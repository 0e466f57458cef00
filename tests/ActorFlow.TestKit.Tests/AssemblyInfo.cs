// The job-harness specs start a broker, a node and a SQLite store each; on 2 shared cores one class at a time keeps
// their waits meaningful (as in ActorFlow.Topology.Tests).
[assembly: CollectionBehavior(DisableTestParallelization = true)]
