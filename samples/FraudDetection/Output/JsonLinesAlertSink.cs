using System.Globalization;
using ActorFlow.Topology.Connectors;
using Akka;
using Akka.Streams.Dsl;
using FraudDetection.Records;

namespace FraudDetection.Output;

/// <summary>
/// Writes alerts to a file as JSON lines, exactly once across restarts: an exactly-once (checkpointed) sink whose
/// epochs are appended after their checkpoint completed. A mark in the job's data directory records the last epoch
/// written, the file and its length after it: an epoch published again after a crash is skipped when the mark has it,
/// and an interrupted append is cut back to the mark's length before it is written again. A run that resumes the job
/// with another output file writes only the epochs after the mark, so the files of the runs together hold each alert
/// once.
/// </summary>
public sealed class JsonLinesAlertSink : ICheckpointedSink<Alert>
{
    private readonly string _path;
    private readonly string _markPath;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Initializes a new instance of the <see cref="JsonLinesAlertSink"/> class and creates the file (empty, unless the job resumes into it).</summary>
    /// <param name="path">The output file.</param>
    /// <param name="dataDirectory">The job's data directory, where the mark lives.</param>
    public JsonLinesAlertSink(string path, string dataDirectory)
    {
        _path = Path.GetFullPath(path);
        _markPath = Path.Combine(dataDirectory, "alerts-output.mark");
        var mark = ReadMark();
        if (mark.Path != _path)
        {
            File.WriteAllBytes(_path, []);      // a new file for this run; earlier epochs are in the mark's file
        }
    }

    /// <inheritdoc />
    public byte[] Encode(Alert value) => AlertJson.ToUtf8(value);

    /// <inheritdoc />
    public Sink<Alert, Task<Done>> Sink() => throw new NotSupportedException("The JSON lines sink is exactly once: the runtime publishes its epochs.");

    /// <inheritdoc />
    public async Task PublishAsync(long epoch, IReadOnlyList<byte[]> records, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var mark = ReadMark();
            if (mark.Epoch >= epoch)
            {
                return;                         // written before the crash
            }

            var length = mark.Path == _path ? mark.Length : 0;
            await using (var file = new FileStream(_path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read))
            {
                file.SetLength(length);          // cut an interrupted append
                file.Seek(length, SeekOrigin.Begin);
                foreach (var record in records)
                {
                    await file.WriteAsync(record, cancellationToken).ConfigureAwait(false);
                    file.WriteByte((byte)'\n');
                }

                await file.FlushAsync(cancellationToken).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
                length = file.Length;
            }

            var temporary = _markPath + ".tmp";
            await File.WriteAllTextAsync(temporary, string.Create(CultureInfo.InvariantCulture, $"{epoch}\n{length}\n{_path}\n"), cancellationToken).ConfigureAwait(false);
            File.Move(temporary, _markPath, overwrite: true);
        }
        finally
        {
            _gate.Release();
        }
    }

    private (long Epoch, long Length, string? Path) ReadMark()
    {
        if (!File.Exists(_markPath))
        {
            return (0, 0, null);
        }

        var lines = File.ReadAllLines(_markPath);
        return lines.Length >= 3
            && long.TryParse(lines[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var epoch)
            && long.TryParse(lines[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var length)
            ? (epoch, length, lines[2])
            : throw new InvalidDataException($"{_markPath} is not a mark written by this sink; remove it only with the job's state");
    }
}
