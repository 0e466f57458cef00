namespace ActorFlow.Tests.Shared;

/// <summary>
/// Runs code as if the host were in another time zone: sets <c>TZ</c> (which .NET reads on Linux and macOS to find
/// the local zone) and clears <see cref="TimeZoneInfo"/>'s cache, then restores both. The zone is process-wide, so
/// tests that use it belong to <see cref="HostZoneCollection"/>, which runs alone.
/// </summary>
public sealed class HostZone : IDisposable
{
    private readonly string? _previous;

    private HostZone(string zone)
    {
        _previous = Environment.GetEnvironmentVariable("TZ");
        Environment.SetEnvironmentVariable("TZ", zone);
        TimeZoneInfo.ClearCachedData();
    }

    /// <summary>Makes <paramref name="zone"/> (an IANA id) the host's local zone until disposed.</summary>
    /// <param name="zone">The zone.</param>
    /// <returns>What restores the previous zone.</returns>
    public static HostZone Use(string zone)
    {
        var scope = new HostZone(zone);
        var expected = TimeZoneInfo.FindSystemTimeZoneById(zone).BaseUtcOffset;
        if (TimeZoneInfo.Local.BaseUtcOffset != expected)
        {
            scope.Dispose();
            throw new InvalidOperationException($"TZ={zone} did not change the local zone on this platform");
        }

        return scope;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Environment.SetEnvironmentVariable("TZ", _previous);
        TimeZoneInfo.ClearCachedData();
    }
}

/// <summary>The tests that change the host's time zone (<see cref="HostZone"/>): run alone, after the others.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HostZoneCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "host time zone";
}
