// Each spec starts a broker and an Akka node; one class at a time on 2 cores keeps waits meaningful.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
