using System.Net;
using System.Net.Sockets;

namespace Vigil.Integration.Tests.Infrastructure;

public static class FreePort
{
    private static int _next = 20000 + Environment.ProcessId % 20000;

    /// <summary>A loopback TCP port nobody listens on now (tries ports in a per-process range to avoid reuse races).</summary>
    public static int Next()
    {
        while (true)
        {
            int port = Interlocked.Increment(ref _next);
            if (port > 60000) Interlocked.Exchange(ref _next, 20000);
            try
            {
                using var probe = new TcpListener(IPAddress.Loopback, port);
                probe.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }
    }
}
