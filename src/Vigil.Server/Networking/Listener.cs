using System.Net;
using System.Net.Sockets;

namespace Vigil.Server.Networking;

/// <summary>Accepts connections on the addresses of the <c>bind</c> directive.</summary>
internal sealed class Listener : IDisposable
{
    private readonly VigilServer _server;
    private readonly List<Socket> _sockets = new();

    public Listener(VigilServer server)
    {
        _server = server;
    }

    public IReadOnlyList<IPEndPoint> Endpoints => _sockets.Select(s => (IPEndPoint)s.LocalEndPoint!).ToList();

    /// <summary>
    /// Binds every address of <c>bind</c>. As in Redis, an address prefixed with '-' is optional
    /// (skipped when unavailable), "*" is every IPv4 address and "::*" every IPv6 address.
    /// </summary>
    public void Bind(string[] addresses, int port, int backlog)
    {
        foreach (var raw in addresses)
        {
            bool optional = raw.StartsWith('-');
            string text = optional ? raw[1..] : raw;
            IPAddress address = text switch
            {
                "*" or "0.0.0.0" => IPAddress.Any,
                "::*" or "::" => IPAddress.IPv6Any,
                "localhost" => IPAddress.Loopback,
                _ => IPAddress.TryParse(text, out var parsed) ? parsed : throw new IOException($"Invalid bind address '{text}'"),
            };
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                // No ReuseAddress: on Linux .NET maps it to SO_REUSEPORT too, which lets two servers share a port.
                if (address.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = false;
                socket.Bind(new IPEndPoint(address, port));
                socket.Listen(backlog);
                _sockets.Add(socket);
                if (port == 0) port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                if (optional) continue;
                throw new IOException($"Could not create server TCP listening socket {text}:{port}: {e.Message}", e);
            }
        }
        if (_sockets.Count == 0) throw new IOException("Failed listening on any bind address");
    }

    public void Start()
    {
        foreach (var socket in _sockets) _ = AcceptLoopAsync(socket);
    }

    private async Task AcceptLoopAsync(Socket listener)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync().ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.OperationAborted or SocketError.Interrupted)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }
            _server.Accept(socket);
        }
    }

    public void Dispose()
    {
        foreach (var socket in _sockets) socket.Dispose();
        _sockets.Clear();
    }
}
