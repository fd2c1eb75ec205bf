using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Vigil.Server.Persistence;

/// <summary>
/// RDB persistence as Redis runs it (rdb.c, server.c): SAVE, BGSAVE and save points, the final
/// save at shutdown, loading at startup, MISCONF after a failed background save, and INFO
/// persistence. Background saves write a point-in-time <see cref="RdbSnapshot"/> on a thread
/// instead of a forked child; like Redis, one background job (a save or an AOF rewrite) runs at
/// a time. Everything here runs under the keyspace lock unless it says otherwise.
/// </summary>
public sealed class PersistenceService
{
    public const string BgsaveError =
        "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify " +
        "the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails " +
        "(stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

    /// <summary>CONFIG_BGSAVE_RETRY_DELAY: seconds before save points retry after a failed background save.</summary>
    private const int BgsaveRetryDelaySeconds = 5;

    /// <summary>REDIS_AUTOSYNC_BYTES: rdb-save-incremental-fsync syncs every 4 MB.</summary>
    internal const long IncrementalSyncBytes = 4 * 1024 * 1024;

    private static int _tempFileCounter;
    private readonly VigilServer _server;
    private readonly object _renameLock = new();
    private SnapshotJob? _rdbJob;

    public PersistenceService(VigilServer server)
    {
        _server = server;
        Aof = new AppendOnlyFile(server, this);
        LastSaveUnixSeconds = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        server.Info.Add("persistence", WriteInfo);
        server.AddCronJob(Cron);
        server.ShuttingDown += OnShuttingDown;
        server.Executor.Propagate += Aof.OnPropagate;
        server.Stopped.ContinueWith(_ => Aof.Close(), TaskScheduler.Default);
        server.FlushedAll += OnFlushedAll;
    }

    public AppendOnlyFile Aof { get; }

    /// <summary>LASTSAVE: when the last successful save finished (Unix seconds).</summary>
    public long LastSaveUnixSeconds { get; private set; }

    public bool LastBgsaveOk { get; private set; } = true;

    public long LastBgsaveSeconds { get; private set; } = -1;

    public long RdbSaves { get; private set; }

    public bool BgsaveScheduled { get; private set; }

    private long _lastBgsaveTryUnix;
    private long _lastCowBytes;
    private long _lastLoadKeysLoaded;
    private long _lastLoadKeysExpired;
    private long _loadingStartUnix;
    private long _loadingTotalBytes;
    private long _loadingLoadedBytes;

    /// <summary>
    /// Set by replication: the replication id and offset stored in RDB aux fields (repl-id,
    /// repl-offset), asked under the lock when a snapshot is taken.
    /// </summary>
    public Func<RdbFile.ReplicationInfo?>? ReplicationInfo { get; set; }

    /// <summary>The replication id and offset the RDB loaded at startup carried, for a restarted replica's PSYNC.</summary>
    public RdbFile.ReplicationInfo? LoadedReplicationInfo { get; private set; }

    public bool RdbSaveInProgress => _rdbJob != null;

    /// <summary>True once the startup load is done and the AOF (if configured) is open.</summary>
    public bool StartedUp { get; private set; }

    /// <summary>hasActiveChildProcess: a background save or AOF rewrite is running.</summary>
    public bool HasActiveJob => _rdbJob != null || Aof.RewriteInProgress;

    private Configuration.ServerConfig Config => _server.Config;

    private long NowSeconds => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    /// <summary>The MISCONF error writes get while persistence is failing (writeCommandsDeniedByDiskError), or null.</summary>
    public string? WritesDeniedReason()
    {
        if (!LastBgsaveOk && Config.StopWritesOnBgsaveError && Config.SavePoints.Count > 0) return BgsaveError;
        if (Aof.Enabled && Aof.LastWriteError is { } aofError) return "MISCONF Errors writing to the AOF file: " + aofError;
        return null;
    }

    /// <summary>Where the AOF stream ends now; call under the keyspace lock, then <see cref="AwaitDurable"/> outside it.</summary>
    public DurabilityMark DurabilityMark() => Aof.Writer is { } writer ? new DurabilityMark(writer, writer.Mark) : default;

    /// <summary>Returns once what <paramref name="mark"/> covers is in the AOF (fsynced under appendfsync always).</summary>
    public void AwaitDurable(DurabilityMark mark) => mark.Writer?.EnsureWritten(mark.Position);

    // ---------------------------------------------------------------- saving

    /// <summary>A fresh temporary file name in the data directory ("temp-&lt;pid&gt;-&lt;n&gt;.rdb").</summary>
    internal string TempPath(string prefix, string suffix) =>
        Path.Combine(Config.Dir, $"{prefix}{Environment.ProcessId}-{Interlocked.Increment(ref _tempFileCounter)}{suffix}");

    /// <summary>Writes <paramref name="snapshot"/> as an RDB to <paramref name="tempPath"/>, fsynced.</summary>
    internal void WriteSnapshot(string tempPath, RdbSnapshot snapshot, bool aofBase, Action? afterKey)
    {
        bool compress = Config.RdbCompression, checksum = Config.RdbChecksum;
        long syncEvery = Config.RdbSaveIncrementalFsync ? IncrementalSyncBytes : 0;
        DurableFiles.WriteFile(tempPath, s => RdbFile.Write(s, snapshot, compress, checksum, 0, snapshot.Replication, aofBase, afterKey), syncEvery);
    }

    /// <summary>rdbSave: SAVE, the final save at shutdown, DEBUG RELOAD. Blocks everything while it writes, as in Redis.</summary>
    public bool Save()
    {
        // A background save still running must not rename its older image over this one.
        lock (_renameLock) _rdbJob?.Cancel();
        string temp = TempPath("temp-", ".rdb");
        try
        {
            using (var snapshot = RdbSnapshot.Capture(_server)) WriteSnapshot(temp, snapshot, aofBase: false, afterKey: null);
            lock (_renameLock) DurableFiles.Replace(temp, Config.RdbPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _server.Log.Warning($"Failed saving the DB to {Config.RdbPath} (temp file {Path.GetFileName(temp)}, in server root dir {Config.Dir}): {DurableFiles.Describe(e)}");
            return false;
        }
        _server.Log.Notice("DB saved on disk");
        _server.Dirty = 0;
        LastSaveUnixSeconds = NowSeconds;
        LastBgsaveOk = true;
        return true;
    }

    /// <summary>
    /// BGSAVE [SCHEDULE]: the status reply, or an error (starting with ERR). Inside EXEC
    /// (<paramref name="forceSchedule"/>) the save always waits for the cron, as in Redis.
    /// </summary>
    public string RequestBackgroundSave(bool schedule, bool forceSchedule = false)
    {
        if (_rdbJob != null) return "ERR Background save already in progress";
        if (HasActiveJob || forceSchedule)
        {
            if (!schedule && !forceSchedule) return "ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.";
            BgsaveScheduled = true;
            return "Background saving scheduled";
        }
        StartBackgroundSave();
        return "Background saving started";
    }

    /// <summary>rdbSaveBackground: takes the snapshot now and writes it on a thread.</summary>
    public void StartBackgroundSave()
    {
        _lastBgsaveTryUnix = NowSeconds;
        BgsaveScheduled = false;
        RdbSaves++;
        var snapshot = RdbSnapshot.Capture(_server);
        var job = new SnapshotJob(snapshot, TempPath("temp-", ".rdb"), _server.Dirty, () => Config.RdbKeySaveDelay);
        _rdbJob = job;
        _server.Log.Notice($"Background saving started by pid {Environment.ProcessId}");
        var thread = new Thread(() => RunBackgroundSave(job)) { IsBackground = true, Name = "vigil-bgsave" };
        thread.Start();
    }

    /// <summary>The "child": writes, renames (unless cancelled), then reports to the server under its lock.</summary>
    private void RunBackgroundSave(SnapshotJob job)
    {
        string? error = null;
        try
        {
            WriteSnapshot(job.TempPath, job.Snapshot, aofBase: false, job.AfterKey);
            lock (_renameLock)
            {
                if (job.Cancelled) DurableFiles.TryDelete(job.TempPath);
                else DurableFiles.Replace(job.TempPath, Config.RdbPath);
            }
            if (!job.Cancelled) _server.Log.Notice("DB saved on disk");
        }
        catch (OperationCanceledException)
        {
            DurableFiles.TryDelete(job.TempPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = DurableFiles.Describe(e);
        }
        lock (_server.Sync)
        {
            long cow = job.Snapshot.CopiedBytes;
            job.Snapshot.Dispose();
            FinishBackgroundSave(job, error, cow);
        }
    }

    /// <summary>backgroundSaveDoneHandler.</summary>
    private void FinishBackgroundSave(SnapshotJob job, string? error, long cowBytes)
    {
        if (_rdbJob == job) _rdbJob = null;
        LastBgsaveSeconds = job.ElapsedSeconds;
        _lastCowBytes = cowBytes;
        if (job.Cancelled)
        {
            // Killed on purpose (SHUTDOWN, a foreground save): the status stays as it was.
            _server.Log.Warning("Background saving terminated by signal 10");
        }
        else if (error != null)
        {
            _server.Log.Warning($"Write error saving DB on disk: {error}");
            _server.Log.Warning("Background saving error");
            LastBgsaveOk = false;
        }
        else
        {
            _server.Log.Notice("Background saving terminated with success");
            _server.Dirty -= job.DirtyAtStart;
            LastSaveUnixSeconds = NowSeconds;
            LastBgsaveOk = true;
        }
        BackgroundSaveFinished?.Invoke(error == null && !job.Cancelled);
    }

    /// <summary>Called under the lock when a background save ends (true: it succeeded), e.g. for replicas waiting on it.</summary>
    public event Action<bool>? BackgroundSaveFinished;

    /// <summary>Stops a background save (FLUSHALL, SHUTDOWN): its file is not installed.</summary>
    public void CancelBackgroundSave()
    {
        lock (_renameLock) _rdbJob?.Cancel();
    }

    /// <summary>
    /// flushAllDataAndResetRDB: a background save of the old data is pointless; with save points the
    /// empty dataset is saved at once. Dirty is kept, so FLUSHALL still reaches replicas and the AOF.
    /// </summary>
    private void OnFlushedAll()
    {
        CancelBackgroundSave();
        if (Config.SavePoints.Count == 0) return;
        long dirty = _server.Dirty;
        Save();
        _server.Dirty = dirty;
    }

    /// <summary>
    /// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save (unless NOSAVE), empty the dataset (unless
    /// NOFLUSH), load the dump back (MERGE: its keys replace existing ones). Returns the error reply or null.
    /// </summary>
    public string? DebugReload(bool save, bool flush, bool merge)
    {
        if (save && !Save()) return "ERR";
        if (flush) _server.Keyspace.FlushAll();
        try
        {
            StartLoading(File.Exists(Config.RdbPath) ? new FileInfo(Config.RdbPath).Length : 0);
            LoadRdb(Config.RdbPath, aofBase: false, replaceExisting: merge, yieldLock: false);
        }
        catch (PersistenceException e)
        {
            _server.Log.Warning(e.Message);
            return "ERR Error trying to load the RDB dump";
        }
        finally
        {
            _server.Loading = false;
        }
        _server.Log.Warning("DB reloaded by DEBUG RELOAD");
        return null;
    }

    /// <summary>DEBUG LOADAOF: write out the AOF, empty the dataset, load the AOF back. Returns the error reply or null.</summary>
    public string? DebugLoadAof()
    {
        if (!Aof.Enabled) return "ERR AOF is not enabled";
        Aof.Writer?.FlushAndSync();
        _server.Keyspace.FlushAll();
        try
        {
            Aof.Reload();
        }
        catch (PersistenceException e)
        {
            // As Redis: a node whose AOF cannot be read back is not left running on half a dataset.
            _server.Log.Warning(e.Message);
            Environment.Exit(1);
        }
        finally
        {
            _server.Loading = false;
        }
        _server.Dirty = 0;
        _server.Log.Warning("Append Only File loaded by DEBUG LOADAOF");
        return null;
    }

    // ---------------------------------------------------------------- cron and shutdown

    /// <summary>serverCron's persistence part: scheduled jobs, save points, automatic AOF rewrites.</summary>
    private void Cron()
    {
        if (_server.Loading || HasActiveJob) return;
        long now = NowSeconds;
        bool retryAllowed = now - _lastBgsaveTryUnix > BgsaveRetryDelaySeconds || LastBgsaveOk;
        if (BgsaveScheduled && retryAllowed)
        {
            StartBackgroundSave();
            return;
        }
        if (Aof.RunScheduledRewrite()) return;
        foreach (var point in Config.SavePoints)
        {
            if (_server.Dirty >= point.Changes && now - LastSaveUnixSeconds > point.Seconds && retryAllowed)
            {
                _server.Log.Notice($"{point.Changes} changes in {point.Seconds} seconds. Saving...");
                StartBackgroundSave();
                return;
            }
        }
        Aof.RewriteIfGrown();
    }

    /// <summary>prepareForShutdown: stop background jobs, make the AOF durable, the final save.</summary>
    private void OnShuttingDown(ShutdownRequest request)
    {
        if (_rdbJob != null)
        {
            _server.Log.Warning("There is a child saving an .rdb. Killing it!");
            CancelBackgroundSave();
        }
        Aof.PrepareForShutdown();
        bool save = request.Save ?? Config.SavePoints.Count > 0;
        if (!save) return;
        _server.Log.Notice("Saving the final RDB snapshot before exiting.");
        if (Save()) return;
        if (request.Force)
        {
            _server.Log.Warning("Error trying to save the DB. Exit anyway.");
            return;
        }
        _server.Log.Warning("Error trying to save the DB, can't exit.");
        request.Refusal = "ERR Errors trying to SHUTDOWN. Check logs.";
    }

    // ---------------------------------------------------------------- loading

    /// <summary>
    /// loadDataFromDisk: the AOF when appendonly is on (even if a dump.rdb exists, as Redis), else
    /// the RDB file; then opens the AOF for appending. Call under the keyspace lock, held once: a long
    /// load lets go of it now and then, and clients that come in meanwhile get -LOADING.
    /// </summary>
    public void LoadAtStartup()
    {
        var watch = Stopwatch.StartNew();
        try
        {
            if (Config.AppendOnly)
            {
                if (Aof.LoadAtStartup()) _server.Log.Notice($"DB loaded from append only file: {watch.Elapsed.TotalSeconds:F3} seconds");
            }
            else if (File.Exists(Config.RdbPath))
            {
                StartLoading(new FileInfo(Config.RdbPath).Length);
                var result = LoadRdb(Config.RdbPath, aofBase: false);
                LoadedReplicationInfo = result.Replication;
                _server.Log.Notice($"DB loaded from disk: {watch.Elapsed.TotalSeconds:F3} seconds");
            }
        }
        finally
        {
            _server.Loading = false;
        }
        _server.Dirty = 0;
        if (Config.AppendOnly) Aof.OpenAtStartup();
        StartedUp = true;
    }

    /// <summary>True when <see cref="LoadAtStartup"/> will find a file to load (an AOF when appendonly is on, else the dump).</summary>
    public bool HasDataToLoad() => Config.AppendOnly
        ? Aof.HasFilesToLoad()
        : File.Exists(Config.RdbPath);

    /// <summary>Loads an RDB file (a dump, or an AOF base) into the keyspace. Under the keyspace lock, yielding it now and then.</summary>
    internal RdbFile.LoadResult LoadRdb(string path, bool aofBase, bool replaceExisting = false, bool yieldLock = true)
    {
        using var file = OpenForLoading(path);
        using var progress = TrackLoading(file, yieldLock);
        try
        {
            var result = RdbFile.Load(file, _server.Keyspace, keepExpired: Config.IsReplica, _server.Keyspace.Now, progress.Tick,
                Storage.EncodingLimits.From(Config), replaceExisting);
            _lastLoadKeysLoaded = result.Keys;
            _lastLoadKeysExpired = result.ExpiredSkipped;
            foreach (var key in result.EmptyKeysNamed)
                _server.Log.Notice("rdbLoadObject skipping empty key: " + System.Text.Encoding.Latin1.GetString(key));
            _server.Log.Notice(result.EmptySkipped == 0
                ? $"Done loading RDB, keys loaded: {result.Keys}, keys expired: {result.ExpiredSkipped}."
                : $"Done loading RDB, keys loaded: {result.Keys}, keys expired: {result.ExpiredSkipped}, empty keys skipped: {result.EmptySkipped}.");
            return result;
        }
        catch (RdbFormatException e)
        {
            throw new PersistenceException(
                $"Fatal error loading the {(aofBase ? "AOF base file" : "DB")} {path}: {e.Message}. Exiting.", e);
        }
        catch (IOException e)
        {
            throw new PersistenceException($"Fatal error loading the DB {path}: {e.Message}. Exiting.", e);
        }
    }

    internal static FileStream OpenForLoading(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 64 * 1024);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PersistenceException($"Fatal error: can't open {path} for reading: {DurableFiles.Describe(e)}. Exiting.", e);
        }
    }

    /// <summary>startLoading: INFO shows loading:1 and the progress over <paramref name="totalBytes"/> until loading ends.</summary>
    internal void StartLoading(long totalBytes)
    {
        _loadingStartUnix = NowSeconds;
        _loadingTotalBytes = totalBytes;
        _loadingLoadedBytes = 0;
        _server.Loading = true;
    }

    /// <summary>Progress through one file of the load, and the lock yields that keep clients answered.</summary>
    internal LoadingProgress TrackLoading(FileStream file, bool yieldLock = true) => new(this, file, yieldLock);

    /// <summary>
    /// Keeps the server responsive while a load holds the keyspace lock (processEventsWhileBlocked):
    /// every tenth of a second the lock is let go briefly so clients get their -LOADING replies and
    /// INFO; key-load-delay sleeps outside the lock.
    /// </summary>
    internal sealed class LoadingProgress : IDisposable
    {
        private const long YieldEveryMs = 100;
        private readonly PersistenceService _owner;
        private readonly FileStream _file;
        private readonly long _baseBytes;
        private readonly long _startPosition;
        private readonly bool _yieldLock;
        private long _lastYield = Environment.TickCount64;
        private double _owedMicros;
        private int _items;

        public LoadingProgress(PersistenceService owner, FileStream file, bool yieldLock)
        {
            _yieldLock = yieldLock;
            _owner = owner;
            _file = file;
            _baseBytes = owner._loadingLoadedBytes;
            _startPosition = file.Position;
        }

        /// <summary>After each key or command loaded; under the keyspace lock.</summary>
        public void Tick()
        {
            int delay = _owner.Config.KeyLoadDelay;
            if (delay != 0) _owedMicros += delay > 0 ? delay : 1.0 / -delay;
            if (_owedMicros < 1000 && (++_items & 1023) != 0) return;
            _owner._loadingLoadedBytes = _baseBytes + _file.Position - _startPosition;
            long now = Environment.TickCount64;
            if (_owedMicros < 1000 && now - _lastYield < YieldEveryMs || !_yieldLock) return;
            int sleepMs = (int)Math.Max(1, Math.Min(_owedMicros / 1000, 1000));
            _owedMicros = Math.Max(0, _owedMicros - sleepMs * 1000.0);
            var sync = _owner._server.Sync;
            Monitor.Exit(sync);
            try
            {
                Thread.Sleep(sleepMs);
            }
            finally
            {
                Monitor.Enter(sync);
                _lastYield = Environment.TickCount64;
            }
        }

        public void Dispose()
        {
            _owner._loadingLoadedBytes = _baseBytes + _file.Length - _startPosition;
        }
    }

    // ---------------------------------------------------------------- INFO

    private void WriteInfo(StringBuilder sb)
    {
        var job = _rdbJob ?? Aof.RewriteJob;
        long dirty = _server.Dirty;
        sb.Append("loading:").Append(_server.Loading ? 1 : 0).Append("\r\n");
        sb.Append("async_loading:0\r\n");
        sb.Append("current_cow_peak:0\r\n");
        sb.Append("current_cow_size:").Append(job?.Snapshot.CopiedBytes ?? 0).Append("\r\n");
        sb.Append("current_cow_size_age:0\r\n");
        sb.Append("current_fork_perc:").Append(job == null || job.KeysTotal == 0 ? "0.00"
            : (job.KeysProcessed * 100.0 / job.KeysTotal).ToString("F2", CultureInfo.InvariantCulture)).Append("\r\n");
        sb.Append("current_save_keys_processed:").Append(job?.KeysProcessed ?? 0).Append("\r\n");
        sb.Append("current_save_keys_total:").Append(job?.KeysTotal ?? 0).Append("\r\n");
        sb.Append("rdb_changes_since_last_save:").Append(dirty).Append("\r\n");
        sb.Append("rdb_bgsave_in_progress:").Append(_rdbJob != null ? 1 : 0).Append("\r\n");
        sb.Append("rdb_last_save_time:").Append(LastSaveUnixSeconds).Append("\r\n");
        sb.Append("rdb_last_bgsave_status:").Append(LastBgsaveOk ? "ok" : "err").Append("\r\n");
        sb.Append("rdb_last_bgsave_time_sec:").Append(LastBgsaveSeconds).Append("\r\n");
        sb.Append("rdb_current_bgsave_time_sec:").Append(_rdbJob?.ElapsedSeconds ?? -1).Append("\r\n");
        sb.Append("rdb_saves:").Append(RdbSaves).Append("\r\n");
        sb.Append("rdb_last_cow_size:").Append(_lastCowBytes).Append("\r\n");
        sb.Append("rdb_last_load_keys_expired:").Append(_lastLoadKeysExpired).Append("\r\n");
        sb.Append("rdb_last_load_keys_loaded:").Append(_lastLoadKeysLoaded).Append("\r\n");
        Aof.WriteInfo(sb);
        sb.Append("module_fork_in_progress:0\r\n");
        sb.Append("module_fork_last_cow_size:0\r\n");
        Aof.WriteSizeInfo(sb);
        if (_server.Loading)
        {
            long elapsed = Math.Max(1, NowSeconds - _loadingStartUnix);
            double percent = _loadingTotalBytes == 0 ? 0 : _loadingLoadedBytes * 100.0 / _loadingTotalBytes;
            long eta = _loadingLoadedBytes == 0 ? 1 : (_loadingTotalBytes - _loadingLoadedBytes) / Math.Max(1, _loadingLoadedBytes / elapsed);
            sb.Append("loading_start_time:").Append(_loadingStartUnix).Append("\r\n");
            sb.Append("loading_total_bytes:").Append(_loadingTotalBytes).Append("\r\n");
            sb.Append("loading_rdb_used_mem:0\r\n");
            sb.Append("loading_loaded_bytes:").Append(_loadingLoadedBytes).Append("\r\n");
            sb.Append("loading_loaded_perc:").Append(percent.ToString("F2", CultureInfo.InvariantCulture)).Append("\r\n");
            sb.Append("loading_eta_seconds:").Append(eta).Append("\r\n");
        }
    }

    /// <summary>Counts a save for INFO rdb_saves (SAVE, BGSAVE).</summary>
    internal void CountSave() => RdbSaves++;
}

/// <summary>A position in the AOF stream that replies wait for (see <see cref="PersistenceService.DurabilityMark"/>).</summary>
public readonly record struct DurabilityMark(AofWriter? Writer, long Position);
