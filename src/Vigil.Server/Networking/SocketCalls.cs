using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Vigil.Server.Networking;

/// <summary>
/// recv(2) and poll(2) on a socket's descriptor, for the threads that read sockets themselves (the
/// event loop, a replica's link to its master). .NET emulates a blocking receive on a socket that
/// has seen an asynchronous operation by parking the caller until its socket engine thread sees
/// the data: two thread wake-ups per read, where poll and recv on the reading thread take none.
/// </summary>
internal static unsafe partial class SocketCalls
{
    internal const int Eintr = 4;
    internal const int Eagain = 11;
    private const int MsgDontWait = 0x40;
    private const short PollIn = 0x001;

    /// <summary>recv without waiting: the byte count, 0 at the end of the stream, -1 with <paramref name="errno"/> set.</summary>
    public static int Receive(int fd, Span<byte> into, out int errno)
    {
        errno = 0;
        nint n;
        fixed (byte* p = into) n = Recv(fd, p, (nuint)into.Length, MsgDontWait);
        if (n < 0) errno = Marshal.GetLastPInvokeError();
        return (int)n;
    }

    /// <summary>
    /// Waits until <paramref name="socket"/> has data (or its end) and reads it: the byte count, 0 at
    /// the end of the stream. The socket stays open meanwhile: a Dispose on another thread takes
    /// effect after this returns (a Shutdown wakes it with the end of the stream).
    /// </summary>
    public static int ReceiveWaiting(Socket socket, Span<byte> into)
    {
        bool added = false;
        socket.SafeHandle.DangerousAddRef(ref added);
        try
        {
            int fd = (int)socket.SafeHandle.DangerousGetHandle();
            while (true)
            {
                int n = Receive(fd, into, out int errno);
                if (n >= 0) return n;
                if (errno == Eagain) WaitReadable(fd);
                else if (errno != Eintr) throw new IOException($"recv failed: errno {errno}");
            }
        }
        finally
        {
            if (added) socket.SafeHandle.DangerousRelease();
        }
    }

    private static void WaitReadable(int fd)
    {
        // struct pollfd { int fd; short events; short revents; }
        long pollFd = (uint)fd | ((long)PollIn << 32);
        if (Poll(&pollFd, 1, -1) < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno != Eintr) throw new IOException($"poll failed: errno {errno}");
        }
    }

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static partial nint Recv(int fd, void* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    private static partial int Poll(void* fds, nuint count, int timeout);
}
