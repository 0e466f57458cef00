using System.Text;
using System.Text.RegularExpressions;

namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. What a file source reads, from the path it was given, as DuckDB's <c>read_parquet</c> takes it: a
/// directory (every <c>*.parquet</c> file under it, recursively), one file, or a glob (<c>*</c> and <c>?</c> within a
/// path segment, <c>[abc]</c>/<c>[a-z]</c>/<c>[!a]</c> classes, <c>**</c> for any number of directories). The files
/// are named relative to <see cref="BaseDirectory"/> (the glob's longest leading part without a wildcard), which makes
/// the source's partition ids. A sink's in-progress files (<c>*.inprogress</c>) are never selected, nor hidden files
/// and directories (<c>.x</c>, <c>_x</c>: see <see cref="Hidden"/>) where a glob does not name them; a glob that
/// matches no file is an error (as DuckDB's), an empty directory an empty input.
/// </summary>
internal sealed class FileSelection
{
    private const string InProgressSuffix = ".inprogress";
    private readonly Regex? _glob;
    private readonly string? _file;
    private int _depth = int.MaxValue;

    // Before a wildcard that starts a path segment (and in each directory ** crosses): the segment is not hidden.
    private const string NotHidden = "(?!\\.|_(?![^/]*=))";

    private FileSelection(string path, string baseDirectory, Regex? glob, string? file, string givenBase)
    {
        Path = path;
        BaseDirectory = baseDirectory;
        _glob = glob;
        _file = file;
        _givenBase = givenBase;
    }

    /// <summary>The base directory as the caller wrote it (not made absolute): where Hive directories start counting.</summary>
    private readonly string _givenBase;

    /// <summary>Gets the path as given, made absolute.</summary>
    public string Path { get; }

    /// <summary>Gets the directory the selected files are named relative to.</summary>
    public string BaseDirectory { get; }

    /// <summary>Reads <paramref name="path"/>: a glob when it holds <c>*</c>, <c>?</c> or <c>[</c>; else a file when one
    /// exists there; else a directory (which need not exist yet: <see cref="Files"/> reports it).</summary>
    public static FileSelection Of(string path)
    {
        var given = path.Replace('\\', '/');
        var full = System.IO.Path.GetFullPath(path).Replace('\\', '/');
        var segments = full.Split('/');
        var first = Array.FindIndex(segments, IsPattern);
        if (first < 0)
        {
            return File.Exists(full)
                ? new FileSelection(full, System.IO.Path.GetDirectoryName(full)!, null, full, Parent(given))
                : new FileSelection(full, full.TrimEnd('/'), null, null, given.TrimEnd('/'));
        }

        var baseDirectory = string.Join('/', segments[..first]);
        if (baseDirectory.Length == 0)
        {
            baseDirectory = "/";
        }

        var pattern = segments[first..];
        var givenSegments = given.Split('/');
        var givenBase = string.Join('/', givenSegments[..Math.Max(0, Array.FindIndex(givenSegments, IsPattern))]);
        return new FileSelection(full, baseDirectory, new Regex(ToRegex(pattern, full), RegexOptions.CultureInvariant), null, givenBase)
        {
            // Without ** a glob matches files exactly as deep as its segments: no deeper directory is listed.
            _depth = pattern.Contains("**") ? int.MaxValue : pattern.Length - 1,
        };
    }

    /// <summary>The selected files (absolute path, path relative to <see cref="BaseDirectory"/> with <c>/</c>), in
    /// ordinal order of the relative path.</summary>
    /// <exception cref="DirectoryNotFoundException">The directory, or the glob's leading directory, does not exist.</exception>
    public IEnumerable<(string File, string Relative)> Files()
    {
        if (_file is not null)
        {
            return [(_file, System.IO.Path.GetFileName(_file))];
        }

        if (!Directory.Exists(BaseDirectory))
        {
            throw new DirectoryNotFoundException(_glob is null
                ? $"Parquet source: the directory '{BaseDirectory}' does not exist."
                : $"Parquet source: the directory '{BaseDirectory}' of the glob '{Path}' does not exist.");
        }

        // An unreadable directory fails the listing (nothing is skipped unseen).
        var options = new EnumerationOptions { RecurseSubdirectories = true, MaxRecursionDepth = _depth, AttributesToSkip = 0, IgnoreInaccessible = false, MatchType = MatchType.Simple };
        var files = Directory.EnumerateFiles(BaseDirectory, _glob is null ? "*.parquet" : "*", options)
            .Select(file => (File: file, Relative: System.IO.Path.GetRelativePath(BaseDirectory, file).Replace('\\', '/')))
            .Where(f => !f.Relative.EndsWith(InProgressSuffix, StringComparison.Ordinal) && (_glob is null ? !Hidden(f.Relative) : _glob.IsMatch(f.Relative)))
            .OrderBy(f => f.Relative, StringComparer.Ordinal)
            .ToList();
        if (_glob is not null && files.Count == 0)
        {
            // As DuckDB: a glob that matches nothing is more likely a mistake than an empty input.
            throw new FileNotFoundException($"Parquet source: no file matches the glob '{Path}'.", Path);
        }

        return files;
    }

    /// <summary>
    /// The path whose Hive <c>name=value</c> directories a selected file has, as DuckDB's <c>hive_partitioning</c>
    /// reads them from the path it was given: the source's path as written (a source given <c>…/dt=2026-11-25</c> still
    /// sees <c>dt</c>; the directories above a relative path, such as the working directory's, are not part of it) and
    /// the file's path below it. A name that repeats keeps its first value, as DuckDB's.
    /// </summary>
    public string HivePathOf(string relative) => _givenBase.Length == 0 ? relative : _givenBase + "/" + relative;

    /// <summary>
    /// Whether <paramref name="relative"/> lies in, or is, a hidden file or directory, which a directory's listing skips as
    /// Flink's <c>DefaultFileFilter</c> and Spark's file index do: a name starting with <c>.</c>, or with <c>_</c> and
    /// holding no <c>=</c> (a Hive directory such as <c>_year=2026</c> is data). Such paths are other tools' bookkeeping:
    /// Spark's and Hadoop's <c>_temporary</c> attempt files (uncommitted output), Delta Lake's <c>_delta_log</c>
    /// checkpoints, <c>.crc</c> and editor files. A glob skips them as a shell does (see <see cref="ToRegex"/>): a
    /// wildcard that starts a segment, and <c>**</c>, match no hidden name; a segment written with its <c>.</c> or
    /// <c>_</c> (<c>_delta_log/*.parquet</c>, <c>_*/*.parquet</c>, <c>.*.parquet</c>) names them.
    /// </summary>
    private static bool Hidden(string relative)
    {
        foreach (var segment in relative.Split('/'))
        {
            if (segment.StartsWith('.') || (segment.StartsWith('_') && !segment.Contains('=')))
            {
                return true;
            }
        }

        return false;
    }

    private static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash > 0 ? path[..slash] : slash == 0 ? "/" : "";
    }

    private static bool IsPattern(string segment) => segment.AsSpan().IndexOfAny('*', '?', '[') >= 0;

    private static string ToRegex(string[] segments, string glob)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < segments.Length; i++)
        {
            var last = i == segments.Length - 1;
            if (segments[i] == "**")
            {
                // Any number of directories (none included); as the last segment, every file below. None hidden.
                regex.Append(last ? $"(?:{NotHidden}[^/]+/)*{NotHidden}[^/]+" : $"(?:{NotHidden}[^/]+/)*");
                continue;
            }

            if (segments[i].Length == 0)
            {
                throw new ArgumentException($"Parquet source: the glob '{glob}' has an empty path segment.", nameof(glob));
            }

            if (segments[i][0] is '*' or '?' or '[')
            {
                regex.Append(NotHidden); // a wildcard at a segment's start matches no hidden name, as a shell's
            }

            AppendSegment(regex, segments[i], glob);
            if (!last)
            {
                regex.Append('/');
            }
        }

        return regex.Append('$').ToString();
    }

    private static void AppendSegment(StringBuilder regex, string segment, string glob)
    {
        for (var i = 0; i < segment.Length; i++)
        {
            switch (segment[i])
            {
                case '*':
                    regex.Append("[^/]*");
                    break;
                case '?':
                    regex.Append("[^/]");
                    break;
                case '[':
                    var close = segment.IndexOf(']', i + 2);
                    if (close < 0)
                    {
                        throw new ArgumentException($"Parquet source: the glob '{glob}' has a '[' without its ']'.", nameof(glob));
                    }

                    var body = segment[(i + 1)..close];
                    var negated = body[0] is '!' or '^';
                    if (negated && body.Length == 1)
                    {
                        throw new ArgumentException($"Parquet source: the glob '{glob}' has an empty character class '[{body}]'.", nameof(glob));
                    }

                    regex.Append(negated ? "[^/" : "[");
                    foreach (var c in negated ? body[1..] : body)
                    {
                        regex.Append(c is '\\' or ']' or '[' or '^' ? "\\" + c : c.ToString());
                    }

                    regex.Append(']');
                    i = close;
                    break;
                default:
                    regex.Append(Regex.Escape(segment[i].ToString()));
                    break;
            }
        }
    }
}
