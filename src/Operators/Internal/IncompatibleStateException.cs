namespace ActorFlow.Operators.Internal;

/// <summary>
/// INTERNAL API. Restored keyed state that this version of the job cannot read as it declares it (another kind of state
/// under the same name, or another type whose serializer leaves bytes of the old value unread): as Flink's
/// <c>StateMigrationException</c>, it fails the operator, not the record, and the restored state stays as it was.
/// </summary>
internal sealed class IncompatibleStateException(string message, Exception? inner = null) : OperatorFailureException(message, inner);
