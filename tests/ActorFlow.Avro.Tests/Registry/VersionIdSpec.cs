using ActorFlow.Avro.Tests.Support;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// A version id is read as Confluent's <c>VersionId</c> reads it: Java's <c>trim()</c>, then "latest" in any case, or
/// Java's <c>Integer.parseInt</c> (a sign, leading zeros, decimal digits of any script) of 1 and up or -1. The registry
/// took only "latest", "-1" and plain ASCII digits (42202 for "LATEST", " latest ", "+1").
/// </summary>
public sealed class VersionIdSpec : RegistryRestSpec
{
    private const string V1 = """{"type":"record","name":"Tx","fields":[{"name":"id","type":"string"}]}""";

    /// <summary>Verify the spellings Java takes for version 1 and latest.</summary>
    /// <param name="version">The version as sent (URL-encoded).</param>
    [Theory]
    [InlineData("LATEST")]
    [InlineData("Latest")]
    [InlineData("%20latest%20")]
    [InlineData("%09latest")]
    [InlineData("+1")]
    [InlineData("01")]
    [InlineData("%20%201")]
    [InlineData("%D9%A1")] // ARABIC-INDIC DIGIT ONE
    public async Task A_version_Java_reads_as_1_must_be_version_1(string version)
    {
        var id = await Rest.Register("v-value", V1);

        var found = await Rest.Send(HttpMethod.Get, $"/subjects/v-value/versions/{version}");

        Assert.Equal((1, id), (found["version"]!.GetValue<int>(), found["id"]!.GetValue<int>()));
    }

    /// <summary>Verify that ids Java does not read, or reads out of range, are 42202 naming the text or the number.</summary>
    /// <param name="version">The version as sent (URL-encoded).</param>
    /// <param name="named">The version the message names.</param>
    [Theory]
    [InlineData("1.0", "1.0")]
    [InlineData("latest1", "latest1")]
    [InlineData("%2B", "+")]
    [InlineData("2147483648", "2147483648")]
    [InlineData("0", "0")]
    [InlineData("%2B0", "0")]
    [InlineData("-2", "-2")]
    public async Task A_version_Java_does_not_take_must_be_42202(string version, string named)
    {
        await Rest.Register("v-value", V1);

        var error = await Rest.Fail(HttpMethod.Get, $"/subjects/v-value/versions/{version}", "");

        Assert.Equal((422, 42202), (error.Status, error.ErrorCode));
        Assert.Equal($"The specified version '{named}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"", error.Message);
    }
}
