namespace ActorFlow.Hosting;

/// <summary>INTERNAL API. The process exit code a failure sets for the host's supervisor.</summary>
internal static class ExitCodes
{
    /// <summary>Sets <see cref="Environment.ExitCode"/> to <paramref name="code"/> unless it is null or another code is set already (the first failure's stands).</summary>
    public static void SetUnlessSet(int? code)
    {
        if (code is { } value && Environment.ExitCode == 0)
        {
            Environment.ExitCode = value;
        }
    }
}
