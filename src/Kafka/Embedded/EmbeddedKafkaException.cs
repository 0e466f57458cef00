namespace ActorFlow.Kafka.Embedded;

/// <summary>The embedded Kafka broker could not be started or could not carry out a request.</summary>
public sealed class EmbeddedKafkaException : Exception
{
    /// <summary>Creates the exception with a message that names the problem.</summary>
    public EmbeddedKafkaException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the failure that caused it.</summary>
    public EmbeddedKafkaException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
