using System.Globalization;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>Short, invariant renderings of durations for messages and logs: <c>500 ms</c>, <c>1.5 s</c>, <c>3600 s</c>.</summary>
internal static class Durations
{
    public static string Format(TimeSpan value) =>
        value < TimeSpan.FromSeconds(1)
            ? string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0.###} ms")
            : string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.###} s");
}
