using ActorFlow.Topology.Connectors;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>INTERNAL API. A type-erased <see cref="ITwoPhaseCommitSink{T}"/>.</summary>
internal interface ITwoPhaseCommitTarget
{
    /// <summary>
    /// The run's sink over the output stream: writes the records addressed to sink <paramref name="sink"/> through a
    /// new writer and, at each barrier, hands the writer's committables to <paramref name="prepared"/>, or the reason
    /// the writer failed to <paramref name="failed"/> (then the sink fails, and with it the run).
    /// </summary>
    Sink<IReadOnlyList<Emitted>, Task<Done>> Sink(int sink, Action<long, List<byte[]>> prepared, Action<long, Exception> failed);

    Task CommitAsync(IReadOnlyList<string> committables, CancellationToken cancellationToken);

    Task RecoverAsync(IReadOnlyList<string> committables, CancellationToken cancellationToken);
}

/// <summary>INTERNAL API. Adapts a typed two-phase-commit sink.</summary>
internal sealed class TwoPhaseCommitTarget<T>(ITwoPhaseCommitSink<T> sink) : ITwoPhaseCommitTarget
{
    public Sink<IReadOnlyList<Emitted>, Task<Done>> Sink(int id, Action<long, List<byte[]>> prepared, Action<long, Exception> failed)
    {
        var writer = sink.CreateWriter();
        var records = new List<T>();
        return Akka.Streams.Dsl.Sink.ForEachAsync<IReadOnlyList<Emitted>>(1, async batch =>
        {
            foreach (var e in batch)
            {
                switch (e.Kind)
                {
                    case EmittedKind.Sink when e.Output == id:
                        records.Add((T)e.Value!);
                        break;
                    case EmittedKind.Barrier:
                        var checkpoint = (long)e.Value!;
                        IReadOnlyList<string> committables;
                        try
                        {
                            await FlushAsync().ConfigureAwait(false);
                            committables = await writer.PrepareCommitAsync(checkpoint, CancellationToken.None).ConfigureAwait(false);
                        }
                        catch (Exception error) when (error is not OutOfMemoryException)
                        {
                            failed(checkpoint, error); // the checkpoint fails with the writer's reason, then the run
                            throw;
                        }

                        prepared(checkpoint, [.. committables.Select(System.Text.Encoding.UTF8.GetBytes)]);
                        break;
                }
            }

            await FlushAsync().ConfigureAwait(false);
        }).MapMaterializedValue(done => DisposeAfterAsync(done, writer));

        async Task FlushAsync()
        {
            if (records.Count > 0)
            {
                await writer.WriteAsync(records, CancellationToken.None).ConfigureAwait(false);
                records = [];
            }
        }
    }

    public Task CommitAsync(IReadOnlyList<string> committables, CancellationToken cancellationToken) =>
        sink.CommitAsync(committables, cancellationToken);

    public Task RecoverAsync(IReadOnlyList<string> committables, CancellationToken cancellationToken) =>
        sink.RecoverAsync(committables, cancellationToken);

    private static async Task<Done> DisposeAfterAsync(Task<Done> done, ITwoPhaseCommitWriter<T> writer)
    {
        try
        {
            return await done.ConfigureAwait(false);
        }
        finally
        {
            await writer.DisposeAsync().ConfigureAwait(false);
        }
    }
}
