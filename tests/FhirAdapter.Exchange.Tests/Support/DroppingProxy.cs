using System.Net;
using System.Net.Sockets;

namespace FhirAdapter.Exchange.Tests.Support;

/// <summary>
/// A loopback TCP proxy in front of WireMock that drops the first N connections after reading the request (a reset,
/// as when a load balancer or server dies mid-request), then passes bytes through. WireMock's own faults answer 200.
/// </summary>
internal sealed class DroppingProxy : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private int _drops;

    public DroppingProxy(Uri target, int drops)
    {
        _targetPort = target.Port;
        _drops = drops;
        _listener.Start();
        _ = AcceptAsync();
    }

    public string Url => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public int Dropped { get; private set; }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = HandleAsync(client);
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            if (Interlocked.Decrement(ref _drops) >= 0)
            {
                _ = await stream.ReadAsync(new byte[4096], _stop.Token); // some of the request, then the drop
                Dropped++;
                client.Client.LingerState = new LingerOption(true, 0); // close with RST
                return;
            }

            using var upstream = new TcpClient();
            await upstream.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            var up = upstream.GetStream();
            await Task.WhenAny(stream.CopyToAsync(up, _stop.Token), up.CopyToAsync(stream, _stop.Token));
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _stop.Dispose();
    }
}
