using System.Net;
using System.Net.Sockets;
using Vigil.Integration.Tests.Infrastructure;

namespace Vigil.Integration.Tests.Replication;

/// <summary>
/// A TCP relay between a replica and its master that a test can break: cut every connection
/// (a network failure), stall them without closing (a partition longer than repl-timeout), or
/// slow the master-to-replica direction (a replica too slow for its output buffer).
/// </summary>
public sealed class FaultProxy : IDisposable
{
    private readonly TcpListener _listener;
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly List<Socket> _sockets = new();
    private readonly CancellationTokenSource _stop = new();
    private volatile bool _stalled;
    private volatile int _downstreamBytesPerSecond;

    public FaultProxy(string host, Node target)
    {
        _targetHost = target.Host;
        _targetPort = target.Port;
        Host = host;
        Port = FreePort.Next();
        _listener = new TcpListener(IPAddress.Parse(host), Port);
        _listener.Start();
        _ = AcceptLoopAsync();
    }

    public string Host { get; }

    public int Port { get; }

    /// <summary>Connections relayed so far (a replica that reconnects opens a new one).</summary>
    public int Connections { get; private set; }

    /// <summary>Closes every relayed connection; new ones are still accepted.</summary>
    public void Cut()
    {
        lock (_sockets)
        {
            foreach (var socket in _sockets) socket.Dispose();
            _sockets.Clear();
        }
    }

    /// <summary>Stops relaying in both directions, keeping the connections open; <see cref="Resume"/> undoes it.</summary>
    public void Stall() => _stalled = true;

    public void Resume() => _stalled = false;

    /// <summary>Relays master-to-replica bytes at most this fast (0: no limit).</summary>
    public void Throttle(int bytesPerSecond) => _downstreamBytesPerSecond = bytesPerSecond;

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                server.Bind(new IPEndPoint(IPAddress.Parse(Host), 0));
                await server.ConnectAsync(_targetHost, _targetPort);
            }
            catch (SocketException)
            {
                client.Dispose();
                server.Dispose();
                continue;
            }
            lock (_sockets)
            {
                _sockets.Add(client);
                _sockets.Add(server);
                Connections++;
            }
            _ = PumpAsync(client, server, throttled: false);
            _ = PumpAsync(server, client, throttled: true);
        }
    }

    private async Task PumpAsync(Socket from, Socket to, bool throttled)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                while (_stalled) await Task.Delay(20);
                int limit = throttled ? _downstreamBytesPerSecond : 0;
                // Throttled: small reads, paced, so the master's socket buffers fill up behind them.
                int want = limit > 0 ? Math.Min(buffer.Length, Math.Max(1, limit / 20)) : buffer.Length;
                int n = await from.ReceiveAsync(buffer.AsMemory(0, want), SocketFlags.None);
                if (n == 0) break;
                while (_stalled) await Task.Delay(20);
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None);
                if (limit > 0) await Task.Delay(TimeSpan.FromSeconds((double)n / limit));
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
        from.Dispose();
        to.Dispose();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        Cut();
    }
}
