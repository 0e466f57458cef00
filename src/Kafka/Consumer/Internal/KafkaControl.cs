namespace ActorFlow.Kafka.Consumer.Internal;

/// <summary>INTERNAL API. The <see cref="IControl"/> of a consumer stage backed by one hub.</summary>
internal sealed class KafkaControl<TKey, TValue>(ConsumerHub<TKey, TValue> hub, Task stageStopped, TimeSpan stopTimeout) : IControl
{
    public Task IsShutdown => hub.IsShutdown;

    /// <summary>See <see cref="ConsumerHub{TKey, TValue}.Connected"/>.</summary>
    public Task Connected => hub.Connected;

    public Task CommitAsync(IReadOnlyList<Confluent.Kafka.TopicPartitionOffset> nextOffsets) => hub.CommitCurrentAsync(nextOffsets);

    public async Task StopAsync()
    {
        hub.Stop();
        try
        {
            await stageStopped.WaitAsync(stopTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            // The stage hands out what it took before the stop (up to max-batch records) first, at the stream's pace.
            throw new TimeoutException(
                string.Create(System.Globalization.CultureInfo.InvariantCulture, $"The Kafka source did not stop within stop-timeout ({stopTimeout.TotalSeconds:0.###} s): it still hands the stream the records it took before the stop (up to max-batch); the stream goes on, and DrainAndShutdownAsync waits for it however long it takes."),
                e);
        }
    }

    public async Task ShutdownAsync()
    {
        hub.Stop();
        await hub.ShutdownAsync().ConfigureAwait(false);
    }

    public async Task<T> DrainAndShutdownAsync<T>(Task<T> streamCompletion)
    {
        ArgumentNullException.ThrowIfNull(streamCompletion);
        try
        {
            // However long the stream takes to process what the stage still holds (up to max-batch records), as
            // Akka.Streams.Kafka's DrainAndShutdown: giving up after stop-timeout closed the consumer under the running
            // stream, whose last commits then failed and whose records were delivered again.
            hub.Stop();
            return await streamCompletion.ConfigureAwait(false);
        }
        finally
        {
            await hub.ShutdownAsync().ConfigureAwait(false);
        }
    }
}
