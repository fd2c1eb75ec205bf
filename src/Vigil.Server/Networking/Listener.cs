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
    public void Bind(string[] addresses, int port, int backlog) => _sockets.AddRange(Open(addresses, port, backlog));

    /// <summary>
    /// CONFIG SET port/bind (changeListenPort, changeBindAddr): closes the listening sockets and
    /// opens the new ones; when that fails, listens where it did before and rethrows.
    /// </summary>
    public void Rebind(string[] addresses, int port, string[] previousAddresses, int previousPort, int backlog)
    {
        Dispose();
        try
        {
            Bind(addresses, port, backlog);
        }
        catch (IOException)
        {
            Bind(previousAddresses, previousPort, backlog);
            Start();
            throw;
        }
        Start();
    }

    private static List<Socket> Open(string[] addresses, int port, int backlog)
    {
        var opened = new List<Socket>();
        foreach (var raw in addresses)
        {
            bool optional = raw.StartsWith('-');
            string text = optional ? raw[1..] : raw;
            IPAddress? address = text switch
            {
                "*" or "0.0.0.0" => IPAddress.Any,
                "::*" or "::" => IPAddress.IPv6Any,
                "localhost" => IPAddress.Loopback,
                _ => IPAddress.TryParse(text, out var parsed) ? parsed : null,
            };
            if (address == null)
            {
                foreach (var done in opened) done.Dispose();
                throw new IOException($"Invalid bind address '{text}'");
            }
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                // No ReuseAddress: on Linux .NET maps it to SO_REUSEPORT too, which lets two servers share a port.
                if (address.AddressFamily == AddressFamily.InterNetworkV6) socket.DualMode = false;
                socket.Bind(new IPEndPoint(address, port));
                socket.Listen(backlog);
                opened.Add(socket);
                if (port == 0) port = ((IPEndPoint)socket.LocalEndPoint!).Port;
            }
            catch (SocketException e)
            {
                socket.Dispose();
                if (optional) continue;
                foreach (var done in opened) done.Dispose();
                throw new IOException($"Could not create server TCP listening socket {text}:{port}: {e.Message}", e);
            }
        }
        if (opened.Count == 0 && addresses.Length > 0) throw new IOException("Failed listening on any bind address");
        return opened;
    }

    public void Start()
    {
        // On the thread pool: run inline, an accept that completes at once would serve a waiting
        // client on the caller's thread, inside whatever lock it holds (startup holds the keyspace lock).
        foreach (var socket in _sockets) _ = Task.Run(() => AcceptLoopAsync(socket));
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
