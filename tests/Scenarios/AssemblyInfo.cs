// Each scenario runs a broker, one or two job processes and a database on a 2-core machine: one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
