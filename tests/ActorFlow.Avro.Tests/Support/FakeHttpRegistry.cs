using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorFlow.Avro.Tests.Support;

/// <summary>
/// A registry stand-in on 127.0.0.1 for what the embedded registry does not do (credentials, schema references): an
/// HTTP server answering each request by the first route whose path prefix the request's path starts with (status and
/// JSON body), 404 when none does, and noting each request's path and Authorization header.
/// </summary>
internal sealed class FakeHttpRegistry : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;

    public FakeHttpRegistry(params (string PathPrefix, HttpStatusCode Status, string Json)[] routes)
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Url = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(Url + "/");
        _listener.Start();
        _serving = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                var path = context.Request.Url!.AbsolutePath;
                lock (Requests)
                {
                    Requests.Add((path, context.Request.Headers["Authorization"] ?? ""));
                }

                var (_, status, json) = routes.FirstOrDefault(r => path.StartsWith(r.PathPrefix, StringComparison.Ordinal));
                var body = Encoding.UTF8.GetBytes(json ?? """{"error_code":40401,"message":"not found"}""");
                context.Response.StatusCode = json is null ? 404 : (int)status;
                context.Response.ContentType = "application/vnd.schemaregistry.v1+json";
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        });
    }

    public string Url { get; }

    /// <summary>Gets each request's path and Authorization header ("" without one), in arrival order; lock it to read while serving.</summary>
    public List<(string Path, string Authorization)> Requests { get; } = [];

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(10));
    }
}
