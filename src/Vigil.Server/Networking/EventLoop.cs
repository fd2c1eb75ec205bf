using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Vigil.Server.Networking;

/// <summary>
/// Client input, read as Redis's ae loop reads it: one thread waits on epoll for every client
/// socket, reads each ready one and runs its commands, and only once the whole batch is done
/// sends the replies (beforeSleep's handleClientsWithPendingWrites). A client then gets replies
/// in bursts; sent as each client's commands finished, they woke a waiting client about ten times
/// as often, and each wake-up is an interrupt the server pays for in its send (docs/performance.md).
/// Sends that do not complete at once go on asynchronously.
/// </summary>
internal sealed unsafe partial class EventLoop
{
    private const uint EpollIn = 0x001;
    private const uint EpollRdHup = 0x2000;
    private const int EpollCtlAdd = 1;
    private const int EpollCtlDel = 2;
    private const int EpollCloexec = 0x80000;
    private const int EfdCloexec = 0x80000;
    private const int MaxEvents = 256;

    // struct epoll_event is packed on x86-64 (12 bytes, data at 4) and naturally aligned elsewhere.
    private static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;
    private static readonly int DataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    private readonly int _epoll;
    private readonly int _wakeup;
    private readonly Thread _thread;
    private readonly List<Connection> _flushAfterBatch = new();
    private readonly ConcurrentQueue<GCHandle> _released = new();
    private readonly Lock _gate = new();
    private int _registered;          // guarded by _gate
    private volatile bool _stopping;  // set under _gate
    private bool _descriptorsClosed;  // guarded by _gate

    public EventLoop(ServerLog log)
    {
        _epoll = EpollCreate1(EpollCloexec);
        if (_epoll < 0) throw new IOException($"epoll_create1 failed: errno {Marshal.GetLastPInvokeError()}");
        _wakeup = EventFd(0, EfdCloexec);
        if (_wakeup < 0) throw new IOException($"eventfd failed: errno {Marshal.GetLastPInvokeError()}");
        Control(EpollCtlAdd, _wakeup, EpollIn, 0);
        _thread = new Thread(() => Run(log)) { IsBackground = true, Name = "vigil-io" };
        _thread.Start();
    }

    /// <summary>True on the loop's own thread, where replies wait for the end of the batch.</summary>
    public bool IsLoopThread => Thread.CurrentThread == _thread;

    /// <summary>
    /// Starts reading <paramref name="connection"/>'s socket <paramref name="fd"/>, with the handle
    /// that stands for it in events; false once the loop is stopping.
    /// </summary>
    public bool TryRegister(Connection connection, int fd, out GCHandle handle)
    {
        handle = default;
        lock (_gate)
        {
            if (_stopping) return false;
            _registered++;
        }
        handle = GCHandle.Alloc(connection);
        Resume(fd, handle);
        return true;
    }

    /// <summary>Stops reading the socket for now (its data waits in the kernel).</summary>
    public void Pause(int fd) => Control(EpollCtlDel, fd, 0, 0);

    public void Resume(int fd, GCHandle handle) => Control(EpollCtlAdd, fd, EpollIn | EpollRdHup, (ulong)GCHandle.ToIntPtr(handle));

    /// <summary>Stops reading the socket for good; the handle is freed once no event of this batch can name it.</summary>
    public void Unregister(int fd, GCHandle handle, bool reading)
    {
        if (!handle.IsAllocated) return;
        if (reading) Control(EpollCtlDel, fd, 0, 0);
        _released.Enqueue(handle);
        lock (_gate)
        {
            _registered--;
            if (_stopping) WakeLocked();
        }
    }

    /// <summary>Sends <paramref name="connection"/>'s replies once every ready client of this batch has run.</summary>
    public void FlushAfterBatch(Connection connection) => _flushAfterBatch.Add(connection);

    /// <summary>Ends the loop once every connection has left it (the server is shutting down and closing them).</summary>
    public void Stop()
    {
        lock (_gate)
        {
            _stopping = true;
            WakeLocked();
        }
    }

    private bool Finished()
    {
        if (!_stopping) return false;
        lock (_gate) return _registered == 0;
    }

    /// <summary>Under the gate, where the loop closes its descriptors: never writes to a number reused since.</summary>
    private void WakeLocked()
    {
        if (_descriptorsClosed) return;
        ulong one = 1;
        _ = Write(_wakeup, &one, sizeof(ulong));
    }

    private void Control(int op, int fd, uint events, ulong data)
    {
        byte* ev = stackalloc byte[16];
        *(uint*)ev = events;
        *(ulong*)(ev + DataOffset) = data;
        // A socket closed by its peer or by an abort may already be gone from the set: nothing to undo.
        _ = EpollCtl(_epoll, op, fd, ev);
    }

    private void Run(ServerLog log)
    {
        byte* events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * EventSize));
        try
        {
            while (!Finished())
            {
                while (_released.TryDequeue(out var handle)) handle.Free();
                int n = EpollWait(_epoll, events, MaxEvents, -1);
                if (n < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == SocketCalls.Eintr) continue;
                    log.Warning($"epoll_wait failed: errno {errno}");
                    return;
                }
                for (int i = 0; i < n; i++)
                {
                    nint data = (nint)(*(ulong*)(events + i * EventSize + DataOffset));
                    if (data == 0)
                    {
                        ulong count;
                        _ = Read(_wakeup, &count, sizeof(ulong));
                        continue;
                    }
                    RunSafely(log, (Connection)GCHandle.FromIntPtr(data).Target!, static c => c.OnReadable());
                }
                // By index: a flush may close its client, and that may have more replies written.
                for (int i = 0; i < _flushAfterBatch.Count; i++) RunSafely(log, _flushAfterBatch[i], static c => c.FlushAfterBatch());
                _flushAfterBatch.Clear();
            }
        }
        finally
        {
            while (_released.TryDequeue(out var handle)) handle.Free();
            NativeMemory.Free(events);
            lock (_gate)
            {
                _descriptorsClosed = true;
                _ = CloseFd(_wakeup);
                _ = CloseFd(_epoll);
            }
        }
    }

    /// <summary>A failure in one client's handling ends that connection, never the loop.</summary>
    private static void RunSafely(ServerLog log, Connection connection, Action<Connection> work)
    {
        try
        {
            work(connection);
        }
        catch (Exception e)
        {
            log.Warning($"Client handling failed: {e}");
            connection.Abort();
        }
    }

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    private static partial int EpollCreate1(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int EpollCtl(int epfd, int op, int fd, void* ev);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    private static partial int EpollWait(int epfd, void* events, int maxEvents, int timeout);

    [LibraryImport("libc", EntryPoint = "eventfd", SetLastError = true)]
    private static partial int EventFd(uint initval, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, void* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(int fd, void* buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseFd(int fd);
}
