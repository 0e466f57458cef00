// Each spec starts a broker, an Akka cluster (some two) and a database; run in parallel on 2 cores they starve each
// other (a spec waited 60 s for its first result). One class at a time keeps waits meaningful.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
