namespace ActorFlow.Avro;

/// <summary>How a serializer names the registry subject it registers its writer schema under (Confluent's strategies).</summary>
public enum SubjectNameStrategy
{
    /// <summary><c>{topic}-value</c> or <c>{topic}-key</c>, Confluent's default.</summary>
    Topic,

    /// <summary>The record's full name (namespace and name).</summary>
    Record,

    /// <summary><c>{topic}-{record full name}</c>.</summary>
    TopicRecord,
}
