using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Akka.Configuration;
using Akka.Configuration.Hocon;

namespace ActorFlow.Tests.ConfigAudit;

/// <summary>
/// One key of a module's reference.conf and how a settings class reads it.
/// </summary>
/// <param name="Path">The full HOCON path, for example <c>actorflow.kafka.consumer.poll-timeout</c>.</param>
/// <param name="Read">Builds the settings from a config and returns the property the key sets.</param>
public sealed record ConfigKey(string Path, Func<Config, object?> Read)
{
    /// <summary>The property whose doc comment states the default (its summary says "default X"), or null.</summary>
    public (Type Type, string Property)? Documented { get; init; }

    /// <summary>A HOCON value other than the default for this key; derived from the default when null.</summary>
    public string? Changed { get; init; }
}

/// <summary>
/// Checks a module's embedded reference.conf against the settings classes that read it, so that the defaults in
/// reference.conf, in the settings classes and in their doc comments cannot drift apart. Each check returns the
/// problems it found, one line each, for the spec to assert empty.
/// </summary>
public static partial class ReferenceConfAudit
{
    /// <summary>Fails listing every problem, one a line, when there are any.</summary>
    public static void AssertNone(IEnumerable<string> problems)
    {
        var list = problems.ToList();
        Assert.True(list.Count == 0, string.Join(Environment.NewLine, list));
    }

    /// <summary>Every leaf key below <paramref name="root"/>, as full paths.</summary>
    public static IReadOnlyList<string> LeafPaths(Config reference, string root)
    {
        var paths = new List<string>();
        Collect(reference.GetConfig(root).Root.GetObject(), root, paths);
        return paths;
    }

    /// <summary>Keys under <paramref name="root"/> that no <see cref="ConfigKey"/> reads, and readers of keys not in reference.conf.</summary>
    public static IEnumerable<string> UnreadKeys(Config reference, string root, IEnumerable<ConfigKey> keys)
    {
        var leaves = LeafPaths(reference, root).ToHashSet(StringComparer.Ordinal);
        var read = keys.Select(k => k.Path).ToHashSet(StringComparer.Ordinal);
        return leaves.Except(read).Select(k => $"{k} is in reference.conf but no settings class reads it")
            .Concat(read.Except(leaves).Select(k => $"{k} is read but missing from reference.conf"));
    }

    /// <summary>Keys whose settings property, created from <paramref name="reference"/>, differs from the reference.conf value.</summary>
    public static IEnumerable<string> WrongDefaults(Config reference, IEnumerable<ConfigKey> keys)
    {
        foreach (var key in keys)
        {
            var actual = key.Read(reference);
            var expected = ConfValue(reference, key.Path, actual);
            if (!Equals(actual, expected))
            {
                yield return $"{key.Path}: reference.conf says {expected}, the settings hold {actual}";
            }
        }
    }

    /// <summary>Keys whose settings property does not follow a changed value: the key is not really read.</summary>
    public static IEnumerable<string> IgnoredKeys(Config reference, IEnumerable<ConfigKey> keys)
    {
        foreach (var key in keys)
        {
            var before = key.Read(reference);
            var changed = ConfigurationFactory.ParseString($"{key.Path} = {key.Changed ?? Changed(before)}").WithFallback(reference);
            var after = key.Read(changed);
            var expected = ConfValue(changed, key.Path, before);
            if (Equals(after, before) || !Equals(after, expected))
            {
                yield return $"{key.Path}: set to {expected}, the settings hold {after}";
            }
        }
    }

    /// <summary>Documented keys whose doc comment states no default, or another one than the settings hold.</summary>
    public static IEnumerable<string> WrongDocumentedDefaults(Config reference, IEnumerable<ConfigKey> keys)
    {
        foreach (var key in keys)
        {
            if (key.Documented is not { } doc)
            {
                continue;
            }

            var member = $"P:{doc.Type.FullName}.{doc.Property}";
            var summary = Docs(doc.Type.Assembly).GetValueOrDefault(member);
            var stated = summary is null ? null : DocumentedDefault(summary);
            var actual = key.Read(reference);
            if (stated is null)
            {
                yield return $"{key.Path}: the doc comment of {member} states no default";
            }
            else if (!Matches(stated.Value, actual))
            {
                yield return $"{key.Path}: the doc comment of {member} says default {stated.Value.Text}{stated.Value.Unit}, the settings hold {actual}";
            }
        }
    }

    private static void Collect(HoconObject node, string prefix, List<string> into)
    {
        foreach (var (name, value) in node.Items)
        {
            var path = prefix + "." + name;
            if (value.IsObject())
            {
                Collect(value.GetObject(), path, into);
            }
            else
            {
                into.Add(path);
            }
        }
    }

    /// <summary>The value at <paramref name="path"/>, read as the type of <paramref name="like"/>.</summary>
    private static object? ConfValue(Config config, string path, object? like) => like switch
    {
        TimeSpan => config.GetTimeSpan(path),
        int => config.GetInt(path),
        bool => config.GetBoolean(path),
        Enum e => Enum.Parse(e.GetType(), config.GetString(path), ignoreCase: true),
        _ => config.GetString(path) ?? string.Empty,
    };

    private static string Changed(object? value) => value switch
    {
        TimeSpan t => $"{t.TotalMilliseconds + 1000}ms",
        int i => (i + 1).ToString(CultureInfo.InvariantCulture),
        bool b => b ? "off" : "on",
        _ => $"\"{value}x\"",
    };

    private static Dictionary<string, string> Docs(Assembly assembly)
    {
        var file = System.IO.Path.ChangeExtension(assembly.Location, ".xml");
        return XDocument.Load(file).Descendants("member")
            .Where(m => m.Element("summary") is not null)
            .ToDictionary(m => (string)m.Attribute("name")!, m => string.Concat(m.Element("summary")!.Nodes()), StringComparer.Ordinal);
    }

    private static (string Text, string Unit)? DocumentedDefault(string summary)
    {
        if (summary.Contains("empty by default", StringComparison.OrdinalIgnoreCase))
        {
            return (string.Empty, string.Empty);
        }

        var m = DefaultPattern().Match(summary);
        if (!m.Success)
        {
            return null;
        }

        return m.Groups["code"].Success ? (m.Groups["code"].Value, string.Empty)
            : m.Groups["cref"].Success ? (m.Groups["cref"].Value, string.Empty)
            : (m.Groups["number"].Value.Replace(",", string.Empty, StringComparison.Ordinal), m.Groups["unit"].Value);
    }

    private static bool Matches((string Text, string Unit) stated, object? actual)
    {
        if (stated.Unit.Length > 0)
        {
            var n = double.Parse(stated.Text, CultureInfo.InvariantCulture);
            var span = stated.Unit switch { "ms" => TimeSpan.FromMilliseconds(n), "s" => TimeSpan.FromSeconds(n), _ => TimeSpan.FromMinutes(n) };
            return Equals(span, actual);
        }

        var text = actual switch
        {
            bool b => b ? "true" : "false",
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => actual?.ToString() ?? string.Empty,
        };
        return string.Equals(stated.Text, text, StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex("""[Dd]efault (?:<c>(?<code>[^<]*)</c>|<see cref="\w:[\w.`]*\.(?<cref>\w+)"\s*/>|(?<number>\d[\d,]*)(?:\s*(?<unit>ms|s|min)\b)?)""")]
    private static partial Regex DefaultPattern();
}
