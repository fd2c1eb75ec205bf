using Microsoft.Win32.SafeHandles;
using Vigil.Protocol;

namespace Vigil.Server.Persistence;

/// <summary>
/// Appends the propagated command stream to the open incremental AOF file with group commit:
/// commands are serialized into a memory buffer under the keyspace lock (<see cref="AppendCommand"/>);
/// before a connection sends replies it calls <see cref="EnsureWritten"/> with the buffer position
/// its commands reached, and whoever gets the IO lock first writes everyone's pending bytes in one
/// write (and, under appendfsync always, one fsync). So every acknowledged write is in the file
/// (in the OS, for everysec and no; on disk, for always) before its reply leaves, as with Redis's
/// flushAppendOnlyFile in beforeSleep. A background thread writes what no reply waits for and,
/// under everysec, fsyncs once a second.
///
/// Lock order: keyspace lock, then the IO lock, then the buffer lock. The IO lock is never held
/// while waiting for the keyspace lock.
/// </summary>
public sealed class AofWriter : IDisposable
{
    private readonly object _bufferLock = new();
    private readonly object _ioLock = new();
    private readonly ServerLog _log;
    private readonly Func<FsyncPolicy> _policy;
    private readonly Thread _background;
    private readonly ManualResetEventSlim _stop = new();
    private RespWriter _pending = new(64 * 1024);
    private RespWriter _spare = new(64 * 1024);
    private long _appended;             // bytes appended ever (under the buffer lock)
    private long _written;              // bytes written to files ever
    private long _synced;               // bytes fsynced ever
    private SafeFileHandle _file;
    private long _fileOffset;
    private int _selectedDb = -1;       // under the keyspace lock
    private long _lastTimestamp;
    private bool _fsyncInProgress;
    private bool _disposed;

    public enum FsyncPolicy
    {
        Always,
        EverySec,
        No,
    }

    /// <summary>Starts appending to <paramref name="file"/> at its end.</summary>
    public AofWriter(SafeFileHandle file, ServerLog log, Func<FsyncPolicy> policy)
    {
        _file = file;
        _fileOffset = RandomAccess.GetLength(file);
        _log = log;
        _policy = policy;
        _background = new Thread(BackgroundLoop) { IsBackground = true, Name = "vigil-aof" };
        _background.Start();
    }

    /// <summary>Set when a write failed (INFO aof_last_write_status, MISCONF); cleared when a retry succeeds.</summary>
    public string? LastWriteError { get; private set; }

    /// <summary>True while fsync is skipped (no-appendfsync-on-rewrite during a rewrite).</summary>
    public bool SkipFsync { get; set; }

    /// <summary>Writes aof-timestamp-enabled annotations ("#TS:unix-seconds") when the second changes.</summary>
    public bool Timestamps { get; set; }

    /// <summary>Bytes written to the current file (INFO aof_current_size adds the base's).</summary>
    public long CurrentFileSize
    {
        get
        {
            lock (_bufferLock) return _fileOffset + _pending.Length;
        }
    }

    /// <summary>Bytes appended but not yet written (INFO aof_buffer_length).</summary>
    public long PendingBytes
    {
        get
        {
            lock (_bufferLock) return _pending.Length;
        }
    }

    /// <summary>Bytes held by the write buffers (INFO mem_aof_buffer, used_memory).</summary>
    public long BufferCapacity
    {
        get
        {
            // While a batch is being written, _spare is the pending buffer itself.
            lock (_bufferLock) return _pending.Capacity + (ReferenceEquals(_spare, _pending) ? 0 : _spare.Capacity);
        }
    }

    public bool FsyncInProgress => Volatile.Read(ref _fsyncInProgress);

    /// <summary>Where the stream ends now: a reply may leave once <see cref="EnsureWritten"/> reached it.</summary>
    public long Mark
    {
        get
        {
            lock (_bufferLock) return _appended;
        }
    }

    /// <summary>Serializes a command (with a SELECT first when the database changed). Call under the keyspace lock.</summary>
    public void AppendCommand(int db, CommandArgs args, long nowMs)
    {
        lock (_bufferLock)
        {
            int before = _pending.Length;
            if (Timestamps && nowMs / 1000 != _lastTimestamp)
            {
                _lastTimestamp = nowMs / 1000;
                _pending.WriteRaw(System.Text.Encoding.ASCII.GetBytes($"#TS:{_lastTimestamp}\r\n"));
            }
            if (db != _selectedDb)
            {
                _pending.WriteArrayHeader(2);
                _pending.WriteBulkString("SELECT"u8);
                _pending.WriteBulkString(db);
                _selectedDb = db;
            }
            _pending.WriteArrayHeader(args.Count);
            for (int i = 0; i < args.Count; i++) _pending.WriteBulkString(args[i]);
            _appended += _pending.Length - before;
        }
    }

    /// <summary>
    /// Returns once the stream up to <paramref name="mark"/> is written (and fsynced under
    /// appendfsync always). Call outside the keyspace lock. A failed write returns too: the error
    /// is recorded, and new writes are refused with MISCONF until a retry succeeds.
    /// </summary>
    public void EnsureWritten(long mark)
    {
        bool always = _policy() == FsyncPolicy.Always && !SkipFsync;
        if (Volatile.Read(ref _written) >= mark && (!always || Volatile.Read(ref _synced) >= mark)) return;
        lock (_ioLock)
        {
            if (_disposed) return;
            if (_written < mark) WriteOutLocked();
            if (always && _synced < _written) SyncLocked();
        }
    }

    /// <summary>Writes the pending buffer to the file. Holds the IO lock.</summary>
    private void WriteOutLocked()
    {
        RespWriter batch;
        long end;
        lock (_bufferLock)
        {
            if (_pending.Length == 0) return;
            batch = _pending;
            end = _appended;
            _pending = _spare;
        }
        try
        {
            // pwrite at our own offset: a retry after a failed (maybe partial) write rewrites the same bytes.
            RandomAccess.Write(_file, batch.WrittenSpan, _fileOffset);
            _fileOffset += batch.Length;
            Volatile.Write(ref _written, end);
            batch.Reset();
            _spare = batch;
            if (LastWriteError != null)
            {
                _log.Warning("AOF write error looks solved, Redis can write again.");
                LastWriteError = null;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            lock (_bufferLock)
            {
                // Keep the bytes, in front of what was appended meanwhile, to retry them.
                batch.WriteRaw(_pending.WrittenSpan);
                _pending.Reset();
                _spare = _pending;
                _pending = batch;
            }
            string reason = DurableFiles.Describe(e);
            if (LastWriteError == null) _log.Warning($"Error writing to the AOF file: {reason}");
            LastWriteError = reason;
            if (_policy() == FsyncPolicy.Always)
            {
                // As Redis: a write that cannot be made durable must not be acknowledged.
                _log.Warning("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
                Environment.Exit(1);
            }
        }
    }

    private void SyncLocked()
    {
        long target = _written;
        try
        {
            RandomAccess.FlushToDisk(_file);
            Volatile.Write(ref _synced, target);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            LastWriteError = DurableFiles.Describe(e);
            _log.Warning($"Can't persist AOF for fsync error when the AOF fsync policy is 'always': {LastWriteError}. Exiting...");
            Environment.Exit(1);
        }
    }

    /// <summary>
    /// Makes everything appended so far durable in the current file, then continues in
    /// <paramref name="next"/> (a new incremental file). Call under the keyspace lock.
    /// </summary>
    public void SwitchTo(SafeFileHandle next)
    {
        lock (_ioLock)
        {
            WriteOutLocked();
            TrySync(_file);
            _file.Dispose();
            _file = next;
            _fileOffset = RandomAccess.GetLength(next);
            _synced = _written;
            _selectedDb = -1;   // each file is loaded by a fresh client, starting in db 0
        }
    }

    /// <summary>Writes and fsyncs everything appended (SHUTDOWN, turning the AOF off).</summary>
    public void FlushAndSync()
    {
        lock (_ioLock)
        {
            if (_disposed) return;
            WriteOutLocked();
            TrySync(_file);
            _synced = _written;
        }
    }

    private void TrySync(SafeFileHandle file)
    {
        try
        {
            RandomAccess.FlushToDisk(file);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            _log.Warning($"Failed to fsync the AOF file: {DurableFiles.Describe(e)}");
        }
    }

    private void BackgroundLoop()
    {
        while (!_stop.Wait(1000))
        {
            SafeFileHandle file;
            long target;
            lock (_ioLock)
            {
                if (_disposed) return;
                WriteOutLocked();
                if (_policy() == FsyncPolicy.No || SkipFsync || _synced >= _written) continue;
                file = _file;
                target = _written;
                _fsyncInProgress = true;
            }
            // fsync outside the IO lock, so that writes (and the replies waiting on them) go on.
            try
            {
                RandomAccess.FlushToDisk(file);
                lock (_ioLock)
                {
                    if (_synced < target && file == _file) _synced = target;
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                if (e is IOException) _log.Warning($"Error in the AOF background fsync: {DurableFiles.Describe(e)}");
            }
            finally
            {
                Volatile.Write(ref _fsyncInProgress, false);
            }
        }
    }

    public void Dispose()
    {
        FlushAndSync();
        lock (_ioLock)
        {
            if (_disposed) return;
            _disposed = true;
            _file.Dispose();
        }
        _stop.Set();
    }
}

/// <summary>The arguments of a propagated command: the rewritten form when the handler set one, else the command as sent.</summary>
public readonly ref struct CommandArgs
{
    private readonly Commands.CommandContext _ctx;
    private readonly byte[][]? _rewritten;

    public CommandArgs(Commands.CommandContext ctx)
    {
        _ctx = ctx;
        _rewritten = ctx.PropagateAs;
    }

    public int Count => _rewritten?.Length ?? _ctx.ArgCount;

    public ReadOnlySpan<byte> this[int index] => _rewritten != null ? _rewritten[index] : _ctx.Arg(index);
}
