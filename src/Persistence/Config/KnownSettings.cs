using ActorFlow.Shared;
using Akka.Configuration;
using Akka.Configuration.Hocon;
using AkkaConfig = Akka.Configuration.Config;

namespace ActorFlow.Persistence.Config;

/// <summary>
/// INTERNAL API. Refuses settings ActorFlow does not know under its own sections: HOCON takes a typo
/// (<c>provder = postgresql</c>, or a missing brace that makes <c>state-store provider</c> one key) as a setting of its
/// own and the real one keeps its default, so a node meant for PostgreSQL silently kept its state in a local SQLite
/// file. Settings are compared by path with the shipped defaults (reference.conf).
/// </summary>
internal static class KnownSettings
{
    /// <summary>Throws <see cref="ConfigurationException"/> naming every setting under <paramref name="path"/> of <paramref name="config"/> that <paramref name="defaults"/> does not have.</summary>
    public static void Check(AkkaConfig config, AkkaConfig defaults, string path)
    {
        if (!config.HasPath(path) || config.GetValue(path) is not { } section || !section.IsObject())
        {
            return;
        }

        var known = new HashSet<string>(StringComparer.Ordinal);
        if (defaults.HasPath(path) && defaults.GetValue(path) is { } reference && reference.IsObject())
        {
            Collect(reference, path, known);
        }

        var given = new List<string>();
        Collect(section, path, given);
        var unknown = given.Where(p => !known.Contains(p)).ToList();
        if (unknown.Count > 0)
        {
            throw new ConfigurationException(
                $"Unknown setting{(unknown.Count == 1 ? "" : "s")} {string.Join(", ", unknown.Select(u => $"'{Show(u)}'"))} (a typo, or a missing brace?); "
                + $"the settings under {path} are: {string.Join(", ", known.Order(StringComparer.Ordinal))}.");
        }
    }

    /// <summary>
    /// <paramref name="key"/> of <paramref name="section"/> (at <paramref name="path"/>) read by <paramref name="read"/>;
    /// a value HOCON cannot read as that type (<c>retained = three</c>) throws naming the setting and the value.
    /// </summary>
    public static T Read<T>(AkkaConfig section, string path, string key, Func<AkkaConfig, string, T> read) =>
        HoconValues.Read(section, key, read, (problem, e) => new ConfigurationException($"{path}.{key} {problem}", e));

    // A key HOCON made of two words and a line break shows as such, on one line.
    private static string Show(string path) => path.Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);

    private static void Collect(HoconValue value, string path, ICollection<string> into)
    {
        foreach (var (key, child) in value.GetObject().Items)
        {
            var childPath = path + "." + key;
            if (child.IsObject())
            {
                Collect(child, childPath, into);
            }
            else
            {
                into.Add(childPath);
            }
        }
    }
}
