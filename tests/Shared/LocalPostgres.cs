using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace ActorFlow.Tests.Shared;

/// <summary>
/// A throw-away PostgreSQL server for tests: initdb in a fresh temp directory, listening on 127.0.0.1 on a free
/// port (unix socket inside the data directory), run as user <c>postgres</c> via <c>runuser</c> when the tests
/// run as root. Stopped and deleted on <see cref="Dispose"/>. Use it as an xUnit collection fixture
/// (<see cref="PostgresCollection"/>) and give each test class its own database (<see cref="CreateDatabase"/>).
/// </summary>
public sealed class LocalPostgres : IDisposable
{
    private readonly string _binDirectory;
    private readonly bool _asPostgresUser;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<string>> _shared = new();
    private int _databaseCounter;

    /// <summary>Initialises and starts the server (about 1.6 s).</summary>
    public LocalPostgres()
    {
        _binDirectory = FindBinDirectory();
        _asPostgresUser = Environment.UserName == "root";
        RootDirectory = Path.Combine(Path.GetTempPath(), $"actorflow-pg-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(RootDirectory);
        var dataDirectory = Path.Combine(RootDirectory, "data");
        Port = FreePort();
        if (_asPostgresUser)
        {
            Run("chown", "postgres:postgres", RootDirectory);
        }

        Pg("initdb", "-D", dataDirectory, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync");
        Start();
        ServerConnectionString = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Database = "postgres",
            Pooling = false,
            Timeout = ConnectSeconds,
        }.ToString();
    }

    /// <summary>
    /// Seconds a connection may take to open (Npgsql's default is 15): on a loaded 2-core CI machine the first connection
    /// to a database just created once took longer (CheckpointStoreSpecBase.InitializeAsync timed out in RawOpen).
    /// </summary>
    public const int ConnectSeconds = 60;

    /// <summary>The temp directory holding the cluster's data and log.</summary>
    public string RootDirectory { get; }

    /// <summary>The TCP port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary>A connection string to the maintenance database <c>postgres</c>.</summary>
    public string ServerConnectionString { get; }

    /// <summary>Creates a new empty database and returns a connection string to it.</summary>
    /// <param name="prefix">A name prefix (letters, digits, underscores).</param>
    /// <returns>The connection string.</returns>
    public string CreateDatabase(string prefix = "actorflow")
    {
        var name = $"{prefix}_{Interlocked.Increment(ref _databaseCounter)}".ToLowerInvariant();
        using (var connection = new NpgsqlConnection(ServerConnectionString))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"CREATE DATABASE \"{name}\"";
            command.ExecuteNonQuery();
        }

        return new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Database = name,
            Timeout = ConnectSeconds,
        }.ToString();
    }

    /// <summary>
    /// The database named <paramref name="name"/>, created on the first call and shared by later calls (so every
    /// test of a class can use one database; keep tests apart by job id or table).
    /// </summary>
    /// <param name="name">The database name (letters, digits, underscores).</param>
    /// <returns>The connection string.</returns>
    public string SharedDatabase(string name) =>
        _shared.GetOrAdd(name, n => new Lazy<string>(() => CreateDatabase(n))).Value;

    /// <summary>
    /// Kills the server as a crash would: SIGSTOPs the postmaster (so it forks nothing more), then SIGKILLs it and
    /// every process of this server (the postmaster's children, found as the processes whose working directory is
    /// this data directory: backends, checkpointer, WAL writer each run in their own session, so a process-group
    /// kill would miss them), and returns once all of them are dead. Nothing is flushed or shut down cleanly, client
    /// connections break mid-statement, and this process's Npgsql pools are left as they are (idle connections to
    /// the dead server stay pooled, as in a client of a crashed database). The lock files left behind name the dead
    /// postmaster; they are removed, since a zombie postmaster that init has not reaped yet would make PostgreSQL
    /// refuse to start. <see cref="Start"/> brings the server back on the same port and data directory
    /// (PostgreSQL runs crash recovery from its WAL).
    /// </summary>
    public void Kill()
    {
        var dataDirectory = Path.Combine(RootDirectory, "data");
        var pidFile = Path.Combine(dataDirectory, "postmaster.pid");
        var postmaster = int.Parse(File.ReadLines(pidFile).First().Trim(), CultureInfo.InvariantCulture);
        Run("kill", "-STOP", postmaster.ToString(CultureInfo.InvariantCulture));
        if (!SpinWait.SpinUntil(() => Stat(postmaster) is not { State: not ('T' or 'Z' or 'X') }, TimeSpan.FromSeconds(10)))
        {
            throw new TimeoutException($"PostgreSQL postmaster {postmaster} did not stop on SIGSTOP within 10 s.");
        }

        var killed = new HashSet<int>();
        var clock = Stopwatch.StartNew();
        while (ProcessesIn(dataDirectory).Where(p => !IsDead(p)).ToList() is { Count: > 0 } alive)
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"PostgreSQL processes {string.Join(", ", alive)} survived SIGKILL for 30 s.");
            }

            foreach (var pid in alive.Where(killed.Add))
            {
                try
                {
                    using var process = Process.GetProcessById(pid);
                    process.Kill(); // SIGKILL
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                {
                    // Already gone.
                }
            }

            SpinWait.SpinUntil(() => alive.All(IsDead), TimeSpan.FromMilliseconds(200));
        }

        if (!killed.Contains(postmaster))
        {
            throw new InvalidOperationException($"PostgreSQL postmaster {postmaster} was not found among the processes in {dataDirectory}.");
        }

        File.Delete(pidFile);
        File.Delete(Path.Combine(dataDirectory, $".s.PGSQL.{Port}.lock"));
    }

    /// <summary>
    /// Starts the server on its port and data directory (again, after <see cref="Kill"/>); waits until it accepts
    /// connections.
    /// </summary>
    public void Start()
    {
        var dataDirectory = Path.Combine(RootDirectory, "data");
        var log = Path.Combine(RootDirectory, "server.log");
        try
        {
            Pg(
                "pg_ctl", "-D", dataDirectory, "-l", log, "-w", "-t", "30",
                "-o", $"-c listen_addresses=127.0.0.1 -c port={Port} -c unix_socket_directories={dataDirectory} "
                    + "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200",
                "start");
        }
        catch (InvalidOperationException e) when (File.Exists(log))
        {
            throw new InvalidOperationException($"{e.Message}\nserver.log ends with:\n{string.Join('\n', File.ReadLines(log).TakeLast(15))}", e);
        }
    }

    /// <summary>Stops the server (immediate mode) and deletes its directory.</summary>
    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            if (File.Exists(Path.Combine(RootDirectory, "data", "postmaster.pid")))
            {
                Pg("pg_ctl", "-D", Path.Combine(RootDirectory, "data"), "-m", "immediate", "-w", "stop");
            }
        }
        finally
        {
            Directory.Delete(RootDirectory, recursive: true);
        }
    }

    private static string FindBinDirectory()
    {
        var root = "/usr/lib/postgresql";
        var bin = Directory.Exists(root)
            ? Directory.GetDirectories(root)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        return bin ?? throw new InvalidOperationException(
            "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb). Run ./test.sh, which installs it "
            + "with apt (apt-get install -y postgresql), or install it yourself.");
    }

    /// <summary>The processes whose working directory is <paramref name="directory"/> (PostgreSQL's all chdir to their data directory).</summary>
    private static IEnumerable<int> ProcessesIn(string directory)
    {
        foreach (var entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out var pid))
            {
                continue;
            }

            string? cwd;
            try
            {
                cwd = new DirectoryInfo(Path.Combine(entry, "cwd")).LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // gone, or not ours to read
            }

            if (cwd is not null && Path.TrimEndingDirectorySeparator(cwd) == Path.TrimEndingDirectorySeparator(directory))
            {
                yield return pid;
            }
        }
    }

    /// <summary>Gone, or a zombie nobody reaped yet (it holds no memory, sockets or files any more).</summary>
    private static bool IsDead(int pid) => Stat(pid) is not { } stat || stat.State is 'Z' or 'X';

    /// <summary>State and parent of a process from <c>/proc/pid/stat</c> ("pid (comm) S ppid ..."), or null when it is gone.</summary>
    private static (char State, int ParentPid)? Stat(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/stat");
        }
        catch (IOException)
        {
            return null;
        }

        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return (fields[0][0], int.Parse(fields[1], CultureInfo.InvariantCulture));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Pg(string tool, params string[] args)
    {
        var exe = Path.Combine(_binDirectory, tool);
        if (_asPostgresUser)
        {
            Run("runuser", ["-u", "postgres", "--", exe, .. args]);
        }
        else
        {
            Run(exe, args);
        }
    }

    private static void Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Cannot start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 60 s.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {stderr}{stdout.Result}");
        }
    }
}
