// Specs start brokers, Akka nodes and DuckDB; one class at a time keeps their waits meaningful on 2 cores.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
