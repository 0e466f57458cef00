using System.Net;
using ActorFlow.Avro.Registry;
using ActorFlow.Avro.Tests.Records;
using ActorFlow.Avro.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ActorFlow.Avro.Tests.Serdes;

public sealed class BadInputSpec : IAsyncLifetime
{
    private RegistryFixture _registry = null!;

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    /// <summary>Verify that a payload whose first byte is not 0 fails as WrongMagicByte naming topic, partition and offset.</summary>
    [Fact]
    public void A_wrong_magic_byte_must_fail_typed_with_the_position()
    {
        var serde = AvroSerde.For<Transaction>(_registry.Client);

        var e = Assert.Throws<AvroSerdeException>(() => serde.Deserialize([1, 0, 0, 0, 1, 2], "tx", 3, 42));

        Assert.Equal(AvroFailure.WrongMagicByte, e.Failure);
        Assert.Equal(("tx", 3, 42L, -1), (e.Topic, e.Partition, e.Offset, e.SchemaId));
        Assert.Contains("topic tx, partition 3, offset 42", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that a payload shorter than the header fails as TooShort.</summary>
    [Fact]
    public void A_payload_shorter_than_the_header_must_fail_typed() =>
        Assert.Equal(AvroFailure.TooShort, Assert.Throws<AvroSerdeException>(() => AvroSerde.For<Transaction>(_registry.Client).Deserialize([0, 0, 1], "tx")).Failure);

    /// <summary>Verify that an id the registry does not know fails as UnknownSchemaId naming the id.</summary>
    [Fact]
    public void An_unknown_schema_id_must_fail_typed_with_the_id()
    {
        var serde = AvroSerde.For<Transaction>(_registry.Client);

        var e = Assert.Throws<AvroSerdeException>(() => serde.Deserialize([0, 0, 0, 0x30, 0x39, 2, 65], "tx", 0, 5));

        Assert.Equal(AvroFailure.UnknownSchemaId, e.Failure);
        Assert.Equal(12345, e.SchemaId);
    }

    /// <summary>Verify that every truncation of a valid record fails as Truncated or Malformed, never with another exception or a value.</summary>
    [Fact]
    public void Every_truncation_of_a_record_must_fail_typed()
    {
        var serde = AvroSerde.For<AllTypes>(_registry.Client);
        var bytes = serde.Serialize(Samples.AllTypes(), "all");

        for (var length = AvroSerde<AllTypes>.HeaderLength; length < bytes.Length; length++)
        {
            var e = Assert.Throws<AvroSerdeException>(() => serde.Deserialize(bytes[..length], "all", 0, length));
            Assert.True(e.Failure is AvroFailure.Truncated or AvroFailure.Malformed, $"length {length}: {e.Failure}");
        }
    }

    /// <summary>Verify that bytes after the record are reported as Malformed.</summary>
    [Fact]
    public void Trailing_bytes_must_fail_as_malformed()
    {
        var serde = AvroSerde.For<Transaction>(_registry.Client);
        var bytes = serde.Serialize(Samples.Transaction(1), "tx");

        var e = Assert.Throws<AvroSerdeException>(() => serde.Deserialize([.. bytes, 7], "tx"));

        Assert.Equal(AvroFailure.Malformed, e.Failure);
    }

    /// <summary>Verify that random bodies behind a valid header (seeded, thousands) give a value or a typed error, nothing else.</summary>
    [Fact]
    public void Random_bodies_must_fail_only_with_typed_errors()
    {
        var serde = AvroSerde.For<AllTypes>(_registry.Client);
        var header = serde.Serialize(Samples.AllTypes(), "all")[..5];
        var random = new Random(1234);
        var failures = 0;
        for (var i = 0; i < 5000; i++)
        {
            var body = new byte[random.Next(0, 200)];
            random.NextBytes(body);
            try
            {
                serde.Deserialize([.. header, .. body], "all", 0, i);
            }
            catch (AvroSerdeException e)
            {
                Assert.True(e.Failure is AvroFailure.Truncated or AvroFailure.Malformed, e.Failure.ToString());
                failures++;
            }
        }

        Assert.True(failures > 4900, $"{failures} failures");
    }

    /// <summary>Verify that a registry that is down fails an id it never answered as RegistryUnavailable, but ids answered before still decode from the cache.</summary>
    [Fact]
    public async Task A_registry_that_goes_down_must_be_served_from_the_cache()
    {
        var serde = AvroSerde.For<Transaction>(_registry.Client, new AvroSerdeOptions { RegistryRetries = 1, RegistryRetryDelay = TimeSpan.FromMilliseconds(10) });
        var known = serde.Serialize(Samples.Transaction(1), "tx");
        Assert.Equal("tx-1", serde.Deserialize(known).id);
        byte[] unknown = [0, 0, 0, 0, 99, 2, 65];

        await _registry.StopAsync();

        Assert.Equal("tx-1", serde.Deserialize(known, "tx", 0, 1).id);
        var e = Assert.Throws<AvroSerdeException>(() => serde.Deserialize(unknown, "tx", 0, 2));
        Assert.Equal(AvroFailure.RegistryUnavailable, e.Failure);
        Assert.Equal(99, e.SchemaId);
    }

    /// <summary>Verify that a registry answering garbage fails as RegistryInvalidResponse.</summary>
    [Fact]
    public async Task A_registry_answering_garbage_must_fail_typed()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        await using var garbage = builder.Build();
        garbage.MapFallback((HttpContext c) => Results.Text("<html>not a registry</html>", "text/html"));
        await garbage.StartAsync();
        // 30 s: a freshly started app's first request can take seconds on a loaded machine, and a timeout (with no
        // retries) fails as RegistryUnavailable; the garbage answer is classified the same whatever the timeout.
        using var client = SchemaRegistries.Connect(garbage.Urls.First(), TimeSpan.FromSeconds(30));
        var serde = AvroSerde.For<Transaction>(client, new AvroSerdeOptions { RegistryRetries = 0 });

        var e = Assert.Throws<AvroSerdeException>(() => serde.Deserialize([0, 0, 0, 0, 1, 2, 65], "tx", 1, 9));

        Assert.Equal(AvroFailure.RegistryInvalidResponse, e.Failure);
        await garbage.StopAsync();
    }
}
