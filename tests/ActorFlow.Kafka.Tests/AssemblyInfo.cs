// Each spec runs its own librdkafka mock cluster (some take brokers down and up). Once in four full runs, with classes
// in parallel, the test host died in native code (a mock cluster crash, 2026-11-25); one class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
