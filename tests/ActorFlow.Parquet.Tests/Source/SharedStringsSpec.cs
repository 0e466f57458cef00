using ActorFlow.Parquet.Internal;
using ActorFlow.Tests.Shared;
using global::Parquet;
using global::Parquet.Serialization;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>
/// The column reader makes a string column's equal values one string across the row groups and files a source reads
/// (a key read in one row group is the same string in the next), up to <see cref="SharedStrings.Limit"/> distinct values,
/// and stops looking values up in a read of an identifier column once the table is full.
/// </summary>
public sealed class SharedStringsSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-shared-strings");

    /// <summary>Verify that one key read from several row groups of two files is one string, and every value is read as written.</summary>
    [Fact]
    public async Task A_key_read_from_several_row_groups_and_files_must_be_one_string()
    {
        for (var f = 0; f < 2; f++)
        {
            var rows = Enumerable.Range(0, 300).Select(i => new Row { Key = "key-" + (i % 7), Id = (f * 1_000) + i }).ToList();
            await using var stream = File.Create(Path.Combine(_lake.Path, $"part-{f}.parquet"));
            await ParquetSerializer.SerializeAsync(rows, stream, new ParquetOptions { RowGroupSize = 100 });
        }

        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<Row>(_lake.Path));

        Assert.Equal(600, read.Count);
        Assert.Equal(6, read.Select(r => r.Origin).Distinct().Count()); // three row groups per file, each its own partition
        Assert.All(read, r => Assert.Equal("key-" + (r.Value!.Id % 1_000 % 7), r.Value.Key));
        foreach (var key in read.GroupBy(r => r.Value!.Key))
        {
            var first = key.First().Value!.Key;
            Assert.All(key, r => Assert.Same(first, r.Value!.Key));
        }
    }

    /// <summary>Verify the table alone: values kept once up to its limit, then a read of new values only stops looking them up.</summary>
    [Fact]
    public void The_table_must_keep_each_value_once_up_to_its_limit()
    {
        var shared = new SharedStrings();
        var first = new DistinctStrings(shared).Get("a".AsSpan());
        Assert.Same(first, new DistinctStrings(shared).Get("a".AsSpan()));
        Assert.Equal(1, shared.Count);

        var identifiers = new DistinctStrings(shared);
        for (var i = 0; i < SharedStrings.Limit + 10; i++)
        {
            Assert.Equal("id-" + i, identifiers.Get(("id-" + i).AsSpan()));
        }

        Assert.Equal(SharedStrings.Limit, shared.Count); // full: nothing past the limit is kept
        Assert.Same(first, new DistinctStrings(shared).Get("a".AsSpan())); // what it holds is still found
        Assert.Equal("new", new DistinctStrings(shared).Get("new".AsSpan()));
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

    public sealed class Row
    {
        public string Key { get; set; } = "";

        public int Id { get; set; }
    }
}
