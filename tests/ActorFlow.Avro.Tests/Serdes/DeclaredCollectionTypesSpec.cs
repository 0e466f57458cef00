using System.Collections.ObjectModel;
using ActorFlow.Avro.Tests.Support;
using Avro;
using Avro.Generic;
using Avro.Specific;

namespace ActorFlow.Avro.Tests.Serdes;

/// <summary>
/// A specific record written by hand rather than generated, whose collections are declared as an array, a
/// <see cref="Collection{T}"/> and a <see cref="SortedDictionary{TKey, TValue}"/> instead of the generator's
/// <c>IList&lt;T&gt;</c> and <c>IDictionary&lt;string, T&gt;</c>, and named in PascalCase, reads into the declared types.
/// </summary>
public sealed class DeclaredCollectionTypesSpec : IAsyncLifetime
{
    private RegistryFixture _registry = null!;

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    /// <summary>Verify that generic-written bytes read into the declared collection types, and the class writes them back the same.</summary>
    [Fact]
    public void Collections_must_read_into_the_declared_types()
    {
        var record = new GenericRecord((RecordSchema)Basket.Schema);
        record.Add("names", new object[] { "a", "b" });
        record.Add("sizes", new object[] { 3L, 1L });
        record.Add("counts", new Dictionary<string, object> { ["x"] = Array.Empty<object>(), ["y"] = new object[] { 2 } });
        var payload = AvroSerde.Generic(_registry.Client).Serialize(record, "baskets");

        var serde = AvroSerde.For<Basket>(_registry.Client);
        var read = serde.Deserialize(payload);

        Assert.Equal(["a", "b"], Assert.IsType<string[]>(read.Names));
        Assert.Equal([3L, 1L], Assert.IsType<Collection<long>>(read.Sizes));
        Assert.Equal(["x", "y"], Assert.IsType<SortedDictionary<string, int[]>>(read.Counts).Keys);
        Assert.Equal([2], read.Counts["y"]);
        Assert.Empty(read.Counts["x"]);
        Assert.Equal(payload[AvroSerde<Basket>.HeaderLength..], serde.Serialize(read, "baskets")[AvroSerde<Basket>.HeaderLength..]);
    }

    /// <summary>A specific record as a user might write one by hand.</summary>
    public sealed class Basket : ISpecificRecord
    {
        public static readonly Schema Schema = global::Avro.Schema.Parse("""
            {"type":"record","name":"Basket","namespace":"shop","fields":[
              {"name":"names","type":{"type":"array","items":"string"}},
              {"name":"sizes","type":{"type":"array","items":"long"}},
              {"name":"counts","type":{"type":"map","values":{"type":"array","items":"int"}}}]}
            """);

        public string[] Names { get; set; } = [];

        public Collection<long> Sizes { get; set; } = [];

        public SortedDictionary<string, int[]> Counts { get; set; } = [];

        Schema ISpecificRecord.Schema => Schema;

        public object Get(int fieldPos) => fieldPos switch
        {
            0 => Names,
            1 => Sizes,
            2 => Counts,
            _ => throw new AvroRuntimeException($"Bad index {fieldPos}"),
        };

        public void Put(int fieldPos, object fieldValue)
        {
            switch (fieldPos)
            {
                case 0: Names = (string[])fieldValue; break;
                case 1: Sizes = (Collection<long>)fieldValue; break;
                case 2: Counts = (SortedDictionary<string, int[]>)fieldValue; break;
                default: throw new AvroRuntimeException($"Bad index {fieldPos}");
            }
        }
    }
}
