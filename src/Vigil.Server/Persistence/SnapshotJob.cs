namespace Vigil.Server.Persistence;

/// <summary>
/// A snapshot being written on a background thread (what Redis does in a forked child): an RDB
/// for BGSAVE, or a new AOF base for a rewrite. Holds the progress INFO reports, applies
/// rdb-key-save-delay, and can be cancelled (Redis kills the child).
/// </summary>
internal sealed class SnapshotJob
{
    private readonly Func<int> _keySaveDelay;
    private double _owedMicros;
    private long _keysProcessed;
    private volatile bool _cancelled;

    public SnapshotJob(RdbSnapshot snapshot, string tempPath, long dirtyAtStart, Func<int> keySaveDelay)
    {
        Snapshot = snapshot;
        TempPath = tempPath;
        DirtyAtStart = dirtyAtStart;
        KeysTotal = snapshot.KeyCount;
        StartedMs = Environment.TickCount64;
        _keySaveDelay = keySaveDelay;
    }

    public RdbSnapshot Snapshot { get; }

    public string TempPath { get; }

    /// <summary>server.dirty when the snapshot was taken: a successful save subtracts it.</summary>
    public long DirtyAtStart { get; }

    public long KeysTotal { get; }

    public long KeysProcessed => Interlocked.Read(ref _keysProcessed);

    public long StartedMs { get; }

    public bool Cancelled => _cancelled;

    public long ElapsedSeconds => (Environment.TickCount64 - StartedMs) / 1000;

    public void Cancel() => _cancelled = true;

    /// <summary>Runs after each key written: progress, the configured delay, cancellation.</summary>
    public void AfterKey()
    {
        Interlocked.Increment(ref _keysProcessed);
        int delay = _keySaveDelay();
        if (delay != 0)
        {
            // Negative: sleep 1µs once every -delay keys (debugDelay); sleeps are batched into whole milliseconds.
            _owedMicros += delay > 0 ? delay : 1.0 / -delay;
            while (_owedMicros >= 1000 && !_cancelled)
            {
                // Lowering the delay takes effect at once, even in the middle of a long sleep.
                if (_keySaveDelay() == 0)
                {
                    _owedMicros = 0;
                    break;
                }
                int ms = (int)Math.Min(_owedMicros / 1000, 100);
                Thread.Sleep(ms);
                _owedMicros -= ms * 1000.0;
            }
        }
        if (_cancelled) throw new OperationCanceledException();
    }
}
