namespace ActorFlow.TestKit;

/// <summary>Output differs from what a test expected; the message says what is missing, extra or out of place.</summary>
public sealed class OutputMismatchException : Xunit.Sdk.XunitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The difference.</param>
    public OutputMismatchException(string message)
        : base(message)
    {
    }
}
