using System.Net;
using ActorFlow.Avro.Tests.Support;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary><c>GET /mode</c> answers Confluent's <c>READWRITE</c>; a subject has no mode of its own (40409) unless <c>defaultToGlobal</c>.</summary>
public sealed class ModeSpec : RegistryRestSpec
{
    /// <summary>Verify the global mode, a subject's mode with defaultToGlobal, and the 40409 without it.</summary>
    [Fact]
    public async Task The_mode_must_be_read_write()
    {
        Assert.Equal("""{"mode":"READWRITE"}""", await Rest.Text(HttpMethod.Get, "/mode"));
        Assert.Equal("""{"mode":"READWRITE"}""", await Rest.Text(HttpMethod.Get, "/mode/a-value?defaultToGlobal=true"));

        using var http = new HttpClient();
        using var response = await http.GetAsync(new Uri($"{Fixture.Registry.Url}/mode/a-value"));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(
            """{"error_code":40409,"message":"Subject 'a-value' does not have subject-level mode configured"}""",
            await response.Content.ReadAsStringAsync());
    }
}
