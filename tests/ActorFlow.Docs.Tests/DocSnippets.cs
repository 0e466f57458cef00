using System.Globalization;
using System.Text;

namespace ActorFlow.Docs.Tests;

/// <summary>A fenced C# block of a markdown file: its file, the 1-based line of its opening fence and its text.</summary>
/// <param name="File">The markdown file, relative to the repository root.</param>
/// <param name="Line">The line of the opening fence.</param>
/// <param name="Lines">The lines between the fences, common indentation removed.</param>
public sealed record DocBlock(string File, int Line, IReadOnlyList<string> Lines);

/// <summary>The lines between <c>// begin-snippet: name</c> and <c>// end-snippet</c> in a C# file.</summary>
/// <param name="Name">The snippet's name.</param>
/// <param name="File">The C# file, relative to the repository root.</param>
/// <param name="Line">The line of the begin marker.</param>
/// <param name="Lines">The lines of the region, common indentation removed.</param>
public sealed record SnippetRegion(string Name, string File, int Line, IReadOnlyList<string> Lines);

/// <summary>
/// Reads the C# blocks of the docs and the snippet regions of this project's code, and says which blocks are not
/// a verbatim copy of a region and which regions no block quotes (the mdsnippets/Alpakka scheme: docs quote compiled code).
/// </summary>
public static class DocSnippets
{
    /// <summary>The marker that opens a region; the snippet's name follows it.</summary>
    public const string BeginMarker = "// begin-snippet:";

    /// <summary>The marker that closes a region.</summary>
    public const string EndMarker = "// end-snippet";

    private static readonly string[] CSharpLanguages = ["csharp", "cs", "c#"];

    /// <summary>The directory holding ActorFlow.sln, found by walking up from <paramref name="start"/>.</summary>
    /// <param name="start">A directory inside the repository.</param>
    /// <returns>The repository root.</returns>
    public static string FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ActorFlow.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException($"no ActorFlow.sln above {start}");
    }

    /// <summary>README.md and every docs/*.md of the repository, relative paths with '/'.</summary>
    /// <param name="root">The repository root.</param>
    /// <returns>The markdown files, ordered.</returns>
    public static IReadOnlyList<string> MarkdownFiles(string root) =>
        ["README.md", .. Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Select(f => Relative(root, f)).Order(StringComparer.Ordinal)];

    /// <summary>Every C# file of this project's source directory (not bin/ or obj/), relative paths with '/'.</summary>
    /// <param name="root">The repository root.</param>
    /// <returns>The C# files, ordered.</returns>
    public static IReadOnlyList<string> SnippetSourceFiles(string root) =>
        Directory.GetFiles(Path.Combine(root, "tests", "ActorFlow.Docs.Tests"), "*.cs", SearchOption.AllDirectories)
            .Select(f => Relative(root, f))
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>The ```csharp (or cs, c#) blocks of a markdown text; fences inside other blocks are not blocks.</summary>
    /// <param name="file">The file's name, for the result.</param>
    /// <param name="text">The markdown.</param>
    /// <returns>The C# blocks in order.</returns>
    public static IReadOnlyList<DocBlock> ReadCSharpBlocks(string file, string text)
    {
        var lines = SplitLines(text);
        var blocks = new List<DocBlock>();
        for (var i = 0; i < lines.Length; i++)
        {
            var open = lines[i].TrimStart();
            if (!open.StartsWith("```", StringComparison.Ordinal))
            {
                continue;
            }

            var fence = new string('`', open.TakeWhile(c => c == '`').Count());
            var language = open[fence.Length..].Trim();
            var start = i;
            var body = new List<string>();
            for (i++; i < lines.Length && !IsClosingFence(lines[i], fence); i++)
            {
                body.Add(lines[i]);
            }

            if (i == lines.Length)
            {
                throw new InvalidDataException($"{file}:{start + 1}: code block is never closed");
            }

            if (CSharpLanguages.Contains(language, StringComparer.OrdinalIgnoreCase))
            {
                blocks.Add(new DocBlock(file, start + 1, Normalize(body)));
            }
        }

        return blocks;
    }

    /// <summary>The snippet regions of a C# text.</summary>
    /// <param name="file">The file's name, for the result and errors.</param>
    /// <param name="text">The C# source.</param>
    /// <returns>The regions in order.</returns>
    /// <exception cref="InvalidDataException">A region without a name, nested, or never closed; an end without a begin.</exception>
    public static IReadOnlyList<SnippetRegion> ReadRegions(string file, string text)
    {
        var lines = SplitLines(text);
        var regions = new List<SnippetRegion>();
        (string Name, int Line)? open = null;
        var body = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].Trim();
            if (trimmed.StartsWith(BeginMarker, StringComparison.Ordinal))
            {
                var name = trimmed[BeginMarker.Length..].Trim();
                if (open is { } outer)
                {
                    throw new InvalidDataException($"{file}:{i + 1}: snippet '{name}' begins inside '{outer.Name}' (line {outer.Line})");
                }

                if (name.Length == 0)
                {
                    throw new InvalidDataException($"{file}:{i + 1}: snippet without a name");
                }

                open = (name, i + 1);
                body.Clear();
            }
            else if (trimmed == EndMarker)
            {
                var region = open ?? throw new InvalidDataException($"{file}:{i + 1}: '{EndMarker}' without a begin");
                regions.Add(new SnippetRegion(region.Name, file, region.Line, Normalize(body)));
                open = null;
            }
            else if (open is not null)
            {
                body.Add(lines[i]);
            }
        }

        return open is { } unclosed
            ? throw new InvalidDataException($"{file}:{unclosed.Line}: snippet '{unclosed.Name}' is never closed ('{EndMarker}')")
            : regions;
    }

    /// <summary>
    /// Removes the indentation common to the non-blank lines, trailing whitespace, and blank lines at either end.
    /// </summary>
    /// <param name="lines">The lines.</param>
    /// <returns>The normalized lines.</returns>
    public static IReadOnlyList<string> Normalize(IEnumerable<string> lines)
    {
        var trimmed = lines.Select(l => l.TrimEnd()).ToList();
        var indent = trimmed.Where(l => l.Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        var result = trimmed.Select(l => l.Length == 0 ? l : l[indent..]).SkipWhile(l => l.Length == 0).ToList();
        while (result.Count > 0 && result[^1].Length == 0)
        {
            result.RemoveAt(result.Count - 1);
        }

        return result;
    }

    /// <summary>
    /// One message per doc block that is no snippet region (naming its file, line, the closest region and the first
    /// line that differs), per region no block quotes, and per snippet name used twice.
    /// </summary>
    /// <param name="blocks">The doc blocks.</param>
    /// <param name="regions">The snippet regions.</param>
    /// <returns>The failures; empty when the docs and the snippets agree.</returns>
    public static IReadOnlyList<string> Check(IReadOnlyList<DocBlock> blocks, IReadOnlyList<SnippetRegion> regions)
    {
        var failures = new List<string>();
        foreach (var twice in regions.GroupBy(r => r.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            failures.Add($"snippet '{twice.Key}' is defined more than once: {string.Join(", ", twice.Select(r => $"{r.File}:{r.Line}"))}");
        }

        var used = new HashSet<SnippetRegion>();
        foreach (var block in blocks)
        {
            var match = regions.FirstOrDefault(r => r.Lines.SequenceEqual(block.Lines, StringComparer.Ordinal));
            if (match is not null)
            {
                used.Add(match);
                continue;
            }

            failures.Add(Describe(block, regions));
        }

        foreach (var unused in regions.Where(r => !used.Contains(r)))
        {
            failures.Add($"{unused.File}:{unused.Line}: snippet '{unused.Name}' is not quoted by any ```csharp block of README.md or docs/*.md");
        }

        return failures;
    }

    private static string Describe(DocBlock block, IReadOnlyList<SnippetRegion> regions)
    {
        var message = new StringBuilder(
            $"{block.File}:{block.Line}: the ```csharp block is not a copy of any snippet region (add '{BeginMarker} <name>' … '{EndMarker}' to tests/ActorFlow.Docs.Tests, or copy the region into the doc)");
        var closest = regions.MaxBy(r => CommonLines(block.Lines, r.Lines));
        if (closest is null)
        {
            return message.Append("; there are no snippet regions").ToString();
        }

        message.Append(CultureInfo.InvariantCulture, $"; closest: '{closest.Name}' ({closest.File}:{closest.Line})");
        var at = 0;
        while (at < block.Lines.Count && at < closest.Lines.Count && block.Lines[at] == closest.Lines[at])
        {
            at++;
        }

        var docLine = at < block.Lines.Count ? block.Lines[at] : "(end of block)";
        var snippetLine = at < closest.Lines.Count ? closest.Lines[at] : "(end of region)";
        return message.Append(CultureInfo.InvariantCulture, $"; first difference at line {at + 1} of the block:\n  doc:     {docLine}\n  snippet: {snippetLine}").ToString();
    }

    /// <summary>The length of the longest common subsequence of two line lists.</summary>
    private static int CommonLines(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var previous = new int[b.Count + 1];
        var current = new int[b.Count + 1];
        foreach (var line in a)
        {
            for (var j = 1; j <= b.Count; j++)
            {
                current[j] = line == b[j - 1] ? previous[j - 1] + 1 : Math.Max(previous[j], current[j - 1]);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Count];
    }

    private static bool IsClosingFence(string line, string fence)
    {
        var trimmed = line.Trim();
        return trimmed.StartsWith(fence, StringComparison.Ordinal) && trimmed.All(c => c == '`');
    }

    private static string[] SplitLines(string text) => text.ReplaceLineEndings("\n").Split('\n');

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path).Replace('\\', '/');
}
