using ActorFlow.Tests.Shared;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>A member whose type the source cannot build fails <see cref="ParquetSource.For{T}"/> naming the member, before any file is read.</summary>
public sealed class UnbuildableMemberSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-unbuildable");

    /// <summary>
    /// Verify that a <see cref="Queue{T}"/> (a collection that is not an <see cref="ICollection{T}"/> to add to), a
    /// nested class without a parameterless constructor (in a list) and a read-only field fail with
    /// <see cref="NotSupportedException"/> naming the member.
    /// </summary>
    [Fact]
    public void A_member_the_source_cannot_build_must_fail_the_source_naming_it()
    {
        var set = Assert.Throws<NotSupportedException>(() => ParquetSource.For<WithSet>(_lake.Path));
        Assert.Contains("ParquetSource<WithSet>: member 'Tags' is a Queue<String>, which the source cannot build: a LIST is built as", set.Message, StringComparison.Ordinal);
        var constructed = Assert.Throws<NotSupportedException>(() => ParquetSource.For<WithConstructed>(_lake.Path));
        Assert.Contains("member 'Items[]' is a Constructed, which the source cannot build: a nested class needs a parameterless constructor", constructed.Message, StringComparison.Ordinal);
        var field = Assert.Throws<NotSupportedException>(() => ParquetSource.For<WithReadOnlyField>(_lake.Path));
        Assert.Contains("member 'Fixed' is a Int32, which the source cannot build: it cannot be set", field.Message, StringComparison.Ordinal);
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

    public sealed class WithSet
    {
        public Queue<string>? Tags { get; set; }
    }

    public sealed class WithConstructed
    {
        public List<Constructed>? Items { get; set; }
    }

    public sealed class Constructed(int value)
    {
        public int Value { get; set; } = value;
    }

#pragma warning disable SA1401, CA1051 // a public field: Parquet.Net maps fields too
    public sealed class WithReadOnlyField
    {
        public readonly int Fixed = 1;

        public List<int>? Items { get; set; }
    }
#pragma warning restore SA1401, CA1051
}
