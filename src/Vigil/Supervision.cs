using System.Net.Sockets;
using System.Text;

namespace Vigil;

/// <summary>
/// <c>supervised systemd|auto</c>: tells systemd (a Type=notify unit, as Debian's redis-server.service)
/// that the node is ready, and later that it is stopping, through $NOTIFY_SOCKET (sd_notify).
/// </summary>
internal static class Supervision
{
    /// <summary>The supervisor in effect: "systemd" when asked for (or detected by auto) and reachable, else "no".</summary>
    public static string Detect(string supervised)
    {
        bool wanted = supervised == "systemd" || (supervised == "auto" && Environment.GetEnvironmentVariable("NOTIFY_SOCKET") != null);
        return wanted && Environment.GetEnvironmentVariable("NOTIFY_SOCKET") is { Length: > 0 } ? "systemd" : "no";
    }

    public static void Ready(string mode)
    {
        Notify(mode, "STATUS=Ready to accept connections\n");
        Notify(mode, "READY=1\n");
    }

    public static void Stopping(string mode) => Notify(mode, "STOPPING=1\n");

    private static void Notify(string mode, string message)
    {
        if (mode != "systemd" || Environment.GetEnvironmentVariable("NOTIFY_SOCKET") is not { Length: > 0 } path) return;
        // A leading '@' names an abstract socket.
        if (path[0] == '@') path = "\0" + path[1..];
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            socket.SendTo(Encoding.ASCII.GetBytes(message), new UnixDomainSocketEndPoint(path));
        }
        catch (SocketException)
        {
            // As Redis: a supervisor that cannot be told is not a reason to stop.
        }
    }
}
