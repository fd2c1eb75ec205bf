using System.Diagnostics;
using System.Text;
using Microsoft.Win32.SafeHandles;
using Vigil.Protocol;
using Vigil.Server.Commands;

namespace Vigil.Server.Persistence;

/// <summary>
/// Redis 7's multi-part append-only file (aof.c): in <c>dir/appenddirname</c>, a base file (an RDB
/// with aof-use-rdb-preamble, else commands), incremental files of the propagated command stream,
/// and the manifest naming them. BGREWRITEAOF switches to a new incremental file and writes a new
/// base from a snapshot taken at that instant, then retires the old files. Under the keyspace
/// lock unless it says otherwise.
/// </summary>
public sealed class AppendOnlyFile
{
    private enum State
    {
        Off,
        On,
        /// <summary>Turned on at run time: commands go to a temporary incremental file until the first rewrite is done.</summary>
        WaitRewrite,
    }

    private const string RewriteError = "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.";

    private readonly VigilServer _server;
    private readonly PersistenceService _persistence;
    private State _state;
    private AofManifest _manifest = new();
    private AofWriter? _writer;
    private SnapshotJob? _rewrite;
    private bool _rewriteScheduled;
    private long _baseSize;
    private long _closedIncrSize;   // incremental files before the one being written
    private long _rewriteBaseSize;  // aof_current_size after the last rewrite (auto-aof-rewrite-percentage's base)
    private long _lastCowBytes;

    public AppendOnlyFile(VigilServer server, PersistenceService persistence)
    {
        _server = server;
        _persistence = persistence;
        server.Config.AppendOnlyChanging = OnAppendOnlyChanging;
    }

    public bool Enabled => _state != State.Off;

    /// <summary>The writer of the incremental file, while the AOF is on.</summary>
    public AofWriter? Writer => _writer;

    public bool RewriteInProgress => _rewrite != null;

    internal SnapshotJob? RewriteJob => _rewrite;

    public string? LastWriteError => _writer?.LastWriteError;

    public long LastRewriteSeconds { get; private set; } = -1;

    public bool LastRewriteOk { get; private set; } = true;

    public long Rewrites { get; private set; }

    public long ConsecutiveFailures { get; private set; }

    private Configuration.ServerConfig Config => _server.Config;

    private string DirPath => Config.AofDirectory;

    private string PathOf(string name) => Path.Combine(DirPath, name);

    private string ManifestPath => PathOf(AofManifest.FileName(Config.AppendFilename));

    private string TempIncrName => "temp-" + Config.AppendFilename + ".incr";

    /// <summary>The executor's Propagate hook: every command that changed the dataset, in execution order.</summary>
    public void OnPropagate(CommandContext ctx)
    {
        if (_state == State.Off || _writer == null) return;
        _writer.AppendCommand(ctx.Client.DbIndex, new CommandArgs(ctx), ctx.Now);
    }

    private AofWriter.FsyncPolicy Policy => Config.AppendFsync switch
    {
        "always" => AofWriter.FsyncPolicy.Always,
        "no" => AofWriter.FsyncPolicy.No,
        _ => AofWriter.FsyncPolicy.EverySec,
    };

    private AofWriter NewWriter(SafeFileHandle file) =>
        new(file, _server.Log, () => Policy) { Timestamps = Config.AofTimestampEnabled };

    // ---------------------------------------------------------------- startup

    /// <summary>loadAppendOnlyFiles: base, then incremental files. False when there is no AOF to load.</summary>
    internal bool LoadAtStartup()
    {
        _manifest = ReadManifest();
        UpgradeOldStyleFile();
        return LoadFiles(yieldLock: true);
    }

    /// <summary>DEBUG LOADAOF: the files the manifest names, loaded again into the (emptied) keyspace.</summary>
    internal void Reload()
    {
        DeleteHistoryFiles();
        _closedIncrSize = 0;
        LoadFiles(yieldLock: false);
    }

    private bool LoadFiles(bool yieldLock)
    {
        if (_manifest.IsEmpty) return false;
        var files = new List<AofFileInfo>();
        if (_manifest.Base != null) files.Add(_manifest.Base);
        files.AddRange(_manifest.Incr);
        long total = 0;
        foreach (var f in files)
        {
            if (!File.Exists(PathOf(f.Name))) throw new PersistenceException($"Fatal error: the append log file {f.Name} (in {DirPath}) listed in the manifest doesn't exist. Exiting.");
            total += new FileInfo(PathOf(f.Name)).Length;
        }
        if (total == 0) return false;
        _persistence.StartLoading(total);
        for (int i = 0; i < files.Count; i++)
        {
            var watch = Stopwatch.StartNew();
            long size = LoadFile(files[i], last: i == files.Count - 1, yieldLock);
            if (files[i].Type == AofFileType.Base) _baseSize = size;
            else if (i < files.Count - 1) _closedIncrSize += size;
            _server.Log.Notice($"DB loaded from {(files[i].Type == AofFileType.Base ? "base" : "incr")} file {files[i].Name}: {watch.Elapsed.TotalSeconds:F3} seconds");
        }
        return true;
    }

    internal bool HasFilesToLoad() => File.Exists(ManifestPath) || File.Exists(Path.Combine(Config.Dir, Config.AppendFilename));

    private AofManifest ReadManifest()
    {
        if (!File.Exists(ManifestPath)) return new AofManifest();
        try
        {
            return AofManifest.Parse(File.ReadAllText(ManifestPath, Encoding.Latin1), ManifestPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PersistenceException($"Fatal error: can't open the AOF manifest file {ManifestPath} for reading: {DurableFiles.Describe(e)}. Exiting.", e);
        }
    }

    /// <summary>aofUpgradePrepare: an appendonly.aof from before Redis 7 becomes the base of a new manifest.</summary>
    private void UpgradeOldStyleFile()
    {
        string old = Path.Combine(Config.Dir, Config.AppendFilename);
        if (!File.Exists(old) || !_manifest.IsEmpty) return;
        CreateDirectory();
        _manifest = new AofManifest();
        _manifest.UseExistingBase(Config.AppendFilename);
        PersistManifest(_manifest);
        File.Move(old, PathOf(Config.AppendFilename));
        _server.Log.Notice($"Successfully migrated an old-style AOF file ({Config.AppendFilename}) into the AOF directory ({Config.AppendDirname}).");
    }

    /// <summary>loadSingleAppendOnlyFile: an RDB (a base, or an old-style preamble followed by commands) or commands. Returns its size.</summary>
    private long LoadFile(AofFileInfo info, bool last, bool yieldLock)
    {
        string path = PathOf(info.Name);
        long size = new FileInfo(path).Length;
        if (size == 0) return 0;
        long truncateAt;
        if (StartsWithRdbMagic(path))
        {
            _server.Log.Notice(info.Name == Config.AppendFilename ? "Reading RDB preamble from AOF file..." : "Reading RDB base file on AOF loading...");
            var result = _persistence.LoadRdb(path, aofBase: true, yieldLock: yieldLock);
            if (result.EndOffset >= size) return size;
            _server.Log.Notice("Reading the remaining AOF tail...");
            truncateAt = ReplayCommands(path, info.Name, result.EndOffset, yieldLock);
        }
        else
        {
            truncateAt = ReplayCommands(path, info.Name, 0, yieldLock);
        }
        if (truncateAt < 0) return size;
        if (!Config.AofLoadTruncated)
        {
            throw new PersistenceException(
                $"Unexpected end of file reading the append only file {info.Name} (at offset {truncateAt}). You can: 1) Make a backup of your AOF file, " +
                "then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.");
        }
        if (!last) throw new PersistenceException($"Fatal error: the truncated file {info.Name} is not the last file (last valid command ends at offset {truncateAt})");
        _server.Log.Warning($"!!! Warning: short read while loading the AOF file {info.Name}!!!");
        _server.Log.Warning($"!!! Truncating the AOF {info.Name} at offset {truncateAt} !!!");
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write)) file.SetLength(truncateAt);
        _server.Log.Warning($"AOF {info.Name} loaded anyway because aof-load-truncated is enabled");
        return truncateAt;
    }

    private static bool StartsWithRdbMagic(string path)
    {
        using var file = PersistenceService.OpenForLoading(path);
        Span<byte> magic = stackalloc byte[5];
        return file.ReadAtLeast(magic, 5, throwOnEndOfStream: false) == 5 && magic.SequenceEqual("REDIS"u8);
    }

    private long ReplayCommands(string path, string name, long from, bool yieldLock)
    {
        using var file = PersistenceService.OpenForLoading(path);
        file.Position = from;
        using var progress = _persistence.TrackLoading(file, yieldLock);
        return AofReplay.Run(_server, file, name, progress.Tick);
    }

    /// <summary>aofOpenIfNeededOnServerStart: a base for an empty start, the last incremental file opened for appending.</summary>
    internal void OpenAtStartup()
    {
        CreateDirectory();
        if (_manifest.IsEmpty)
        {
            string baseName = _manifest.NewBase(Config.AppendFilename, Config.AofUseRdbPreamble);
            using (var snapshot = RdbSnapshot.Capture(_server))
            {
                WriteBase(PathOf(baseName), snapshot, afterKey: null);
            }
            _baseSize = new FileInfo(PathOf(baseName)).Length;
            _server.Log.Notice($"Creating AOF base file {baseName} on server start");
        }
        bool existing = _manifest.Incr.Count > 0;
        string incrName = existing ? _manifest.Incr[^1].Name : _manifest.NewIncr(Config.AppendFilename);
        var handle = OpenIncr(incrName, truncate: false) ?? throw new PersistenceException($"Can't open the append-only file {incrName} in {DirPath}. Exiting.");
        PersistManifestOrThrow(_manifest);
        _writer = NewWriter(handle);
        _state = State.On;
        _rewriteBaseSize = CurrentSize;
        _server.Log.Notice($"{(existing ? "Opening" : "Creating")} AOF incr file {incrName} on server start");
    }

    private void CreateDirectory()
    {
        try
        {
            Directory.CreateDirectory(DirPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PersistenceException($"Can't open or create append-only dir {Config.AppendDirname}: {DurableFiles.Describe(e)}", e);
        }
    }

    private SafeFileHandle? OpenIncr(string name, bool truncate)
    {
        try
        {
            return File.OpenHandle(PathOf(name), truncate ? FileMode.Create : FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _server.Log.Warning($"Can't open the append-only file {name}: {DurableFiles.Describe(e)}");
            return null;
        }
    }

    private bool PersistManifest(AofManifest manifest)
    {
        try
        {
            DurableFiles.WriteAtomically(ManifestPath, PathOf("temp-" + AofManifest.FileName(Config.AppendFilename)),
                s => s.Write(Encoding.Latin1.GetBytes(manifest.ToString())));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _server.Log.Warning($"Can't write the AOF manifest file {AofManifest.FileName(Config.AppendFilename)}: {DurableFiles.Describe(e)}");
            return false;
        }
    }

    private void PersistManifestOrThrow(AofManifest manifest)
    {
        if (!PersistManifest(manifest)) throw new PersistenceException($"Can't write the AOF manifest in {DirPath}. Exiting.");
    }

    /// <summary>A base file: an RDB (aof-use-rdb-preamble) or the commands that rebuild the dataset.</summary>
    private void WriteBase(string tempPath, RdbSnapshot snapshot, Action? afterKey)
    {
        if (Config.AofUseRdbPreamble)
        {
            _persistence.WriteSnapshot(tempPath, snapshot, aofBase: true, afterKey);
            return;
        }
        long syncEvery = Config.AofRewriteIncrementalFsync ? PersistenceService.IncrementalSyncBytes : 0;
        DurableFiles.WriteFile(tempPath, s => WriteCommands(s, snapshot, afterKey), syncEvery);
    }

    /// <summary>
    /// rewriteAppendOnlyFileRio without the preamble: SELECT per database, SET for strings, RESTORE
    /// of the DUMP payload for collections (every type with an RDB form loads this way, in Redis too),
    /// PEXPIREAT for keys with a TTL.
    /// </summary>
    private static void WriteCommands(Stream output, RdbSnapshot snapshot, Action? afterKey)
    {
        var buffer = new RespWriter(64 * 1024);
        foreach (var db in snapshot.Databases)
        {
            buffer.WriteArrayHeader(2);
            buffer.WriteBulkString("SELECT"u8);
            buffer.WriteBulkString(db.Index);
            var main = db.Main;
            for (int slot = 0; slot < main.SlotCount; slot++)
            {
                var key = main.KeyAt(slot);
                if (key == null) continue;
                var value = main.ValueAt(slot);
                if (value is byte[] s)
                {
                    buffer.WriteArrayHeader(3);
                    buffer.WriteBulkString("SET"u8);
                    buffer.WriteBulkString(key);
                    buffer.WriteBulkString(s);
                }
                else
                {
                    buffer.WriteArrayHeader(4);
                    buffer.WriteBulkString("RESTORE"u8);
                    buffer.WriteBulkString(key);
                    buffer.WriteBulkString("0"u8);
                    buffer.WriteBulkString(DumpPayload.Create(value));
                }
                if (db.Expires.Count > 0 && db.Expires.TryGetValue(key, main.HashAt(slot), out long when))
                {
                    buffer.WriteArrayHeader(3);
                    buffer.WriteBulkString("PEXPIREAT"u8);
                    buffer.WriteBulkString(key);
                    buffer.WriteBulkString(when);
                }
                if (buffer.Length >= 64 * 1024)
                {
                    output.Write(buffer.WrittenSpan);
                    buffer.Reset();
                }
                afterKey?.Invoke();
            }
        }
        output.Write(buffer.WrittenSpan);
        buffer.Dispose();
    }

    // ---------------------------------------------------------------- rewriting

    /// <summary>BGREWRITEAOF: the status reply, or an error (starting with ERR). Inside EXEC it is scheduled.</summary>
    public string RequestRewrite(bool inExec = false)
    {
        if (_rewrite != null) return "ERR Background append only file rewriting already in progress";
        if (_persistence.HasActiveJob || inExec)
        {
            ConsecutiveFailures = 0;
            _rewriteScheduled = true;
            return "Background append only file rewriting scheduled";
        }
        return StartRewrite() ? "Background append only file rewriting started" : RewriteError;
    }

    /// <summary>
    /// rewriteAppendOnlyFileBackground: a new incremental file from now on, and a snapshot of this
    /// same instant written as the new base on a thread.
    /// </summary>
    private bool StartRewrite()
    {
        _rewriteScheduled = false;
        try
        {
            CreateDirectory();
        }
        catch (PersistenceException e)
        {
            _server.Log.Warning(e.Message);
            return false;
        }
        if (!SwitchToNewIncr()) return false;
        Rewrites++;
        var snapshot = RdbSnapshot.Capture(_server);
        var job = new SnapshotJob(snapshot, PathOf($"temp-rewriteaof-bg-{Environment.ProcessId}.aof"), _server.Dirty, () => Config.RdbKeySaveDelay);
        _rewrite = job;
        if (Config.NoAppendFsyncOnRewrite && _writer != null) _writer.SkipFsync = true;
        _server.Log.Notice($"Background append only file rewriting started by pid {Environment.ProcessId}");
        new Thread(() => RunRewrite(job)) { IsBackground = true, Name = "vigil-aofrw" }.Start();
        return true;
    }

    /// <summary>openNewIncrAofForAppend: On, a new numbered file in the manifest; WaitRewrite, a temporary one.</summary>
    private bool SwitchToNewIncr()
    {
        // With the AOF off, BGREWRITEAOF only writes a new base.
        if (_state == State.Off) return true;
        if (_state == State.WaitRewrite)
        {
            var temp = OpenIncr(TempIncrName, truncate: true);
            if (temp == null) return false;
            if (_writer == null) _writer = NewWriter(temp);
            else _writer.SwitchTo(temp);
            return true;
        }
        var next = _manifest.Clone();
        string name = next.NewIncr(Config.AppendFilename);
        var handle = OpenIncr(name, truncate: true);
        if (handle == null) return false;
        if (!PersistManifest(next))
        {
            handle.Dispose();
            DurableFiles.TryDelete(PathOf(name));
            return false;
        }
        _server.Log.Notice($"Creating AOF incr file {name} on background rewrite");
        _closedIncrSize += _writer!.CurrentFileSize;
        _writer.SwitchTo(handle);
        _manifest = next;
        return true;
    }

    private void RunRewrite(SnapshotJob job)
    {
        string? error = null;
        try
        {
            WriteBase(job.TempPath, job.Snapshot, job.AfterKey);
            _server.Log.Notice($"Successfully created the temporary AOF base file {Path.GetFileName(job.TempPath)}");
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
            _lastCowBytes = job.Snapshot.CopiedBytes;
            job.Snapshot.Dispose();
            FinishRewrite(job, error);
        }
    }

    /// <summary>backgroundRewriteDoneHandler: install the new base, retire the old files.</summary>
    private void FinishRewrite(SnapshotJob job, string? error)
    {
        if (_rewrite == job) _rewrite = null;
        if (_writer != null) _writer.SkipFsync = false;
        LastRewriteSeconds = job.ElapsedSeconds;
        if (job.Cancelled)
        {
            DurableFiles.TryDelete(job.TempPath);
            _server.Log.Warning("Background AOF rewrite terminated by signal 10");
            return;
        }
        if (error == null) error = InstallRewrite(job);
        if (error != null)
        {
            DurableFiles.TryDelete(job.TempPath);
            LastRewriteOk = false;
            ConsecutiveFailures++;
            _server.Log.Warning($"Background AOF rewrite terminated with error: {error}");
            // Turning the AOF on waits for a successful rewrite: try again from the cron.
            if (_state == State.WaitRewrite) _rewriteScheduled = true;
            return;
        }
        LastRewriteOk = true;
        ConsecutiveFailures = 0;
        _server.Log.Notice("Background AOF rewrite finished successfully");
    }

    /// <summary>Renames the new base (and, when the AOF was just turned on, the temporary incremental file) into the manifest.</summary>
    private string? InstallRewrite(SnapshotJob job)
    {
        var next = _manifest.Clone();
        string baseName = next.NewBase(Config.AppendFilename, Config.AofUseRdbPreamble);
        try
        {
            DurableFiles.Replace(job.TempPath, PathOf(baseName));
            _server.Log.Notice($"Successfully renamed the temporary AOF base file {Path.GetFileName(job.TempPath)} into {baseName}");
            if (_state == State.WaitRewrite)
            {
                string incrName = next.NewIncr(Config.AppendFilename);
                DurableFiles.Replace(PathOf(TempIncrName), PathOf(incrName));
                _server.Log.Notice($"Successfully renamed the temporary AOF incr file {TempIncrName} into {incrName}");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return DurableFiles.Describe(e);
        }
        next.MarkRewrittenIncrAsHistory(keepLast: _writer != null);
        if (!PersistManifest(next)) return "can't write the manifest";
        _manifest = next;
        if (_state == State.WaitRewrite) _state = State.On;
        _baseSize = new FileInfo(PathOf(baseName)).Length;
        _closedIncrSize = 0;
        _rewriteBaseSize = CurrentSize;
        DeleteHistoryFiles();
        return null;
    }

    /// <summary>aofDelHistoryFiles.</summary>
    private void DeleteHistoryFiles()
    {
        if (_manifest.History.Count == 0) return;
        foreach (var h in _manifest.History)
        {
            _server.Log.Notice($"Removing the history file {h.Name} in the background");
            DurableFiles.TryDelete(PathOf(h.Name));
        }
        _manifest.History.Clear();
        PersistManifest(_manifest);
    }

    /// <summary>From the cron: a rewrite that BGREWRITEAOF or turning the AOF on scheduled. True when one started.</summary>
    internal bool RunScheduledRewrite() => _rewriteScheduled && StartRewrite();

    /// <summary>From the cron: auto-aof-rewrite-percentage growth over auto-aof-rewrite-min-size.</summary>
    internal void RewriteIfGrown()
    {
        if (_state != State.On || Config.AutoAofRewritePercentage == 0) return;
        long current = CurrentSize;
        if (current <= Config.AutoAofRewriteMinSize) return;
        long baseSize = _rewriteBaseSize > 0 ? _rewriteBaseSize : 1;
        long growth = current * 100 / baseSize - 100;
        if (growth < Config.AutoAofRewritePercentage) return;
        _server.Log.Notice($"Starting automatic rewriting of AOF on {growth}% growth");
        StartRewrite();
    }

    private long CurrentSize => _baseSize + _closedIncrSize + (_writer?.CurrentFileSize ?? 0);

    // ---------------------------------------------------------------- on and off

    /// <summary>CONFIG SET appendonly: startAppendOnly / stopAppendOnly. Returns the error that fails CONFIG SET, or null.</summary>
    private string? OnAppendOnlyChanging(bool on)
    {
        // At startup the configured value decides what gets opened; CONFIG SET changes it live.
        if (_server.Loading || _writer == null && _state == State.Off && !_server.Persistence.StartedUp) return null;
        if (on && _state == State.Off) return Start();
        if (!on && _state != State.Off) Stop();
        return null;
    }

    private string? Start()
    {
        _state = State.WaitRewrite;
        if (_persistence.HasActiveJob)
        {
            _rewriteScheduled = true;
            _server.Log.Warning("AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.");
            return null;
        }
        if (StartRewrite()) return null;
        _state = State.Off;
        _server.Log.Warning("Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error.");
        return "Unable to turn on AOF. Check server logs.";
    }

    private void Stop()
    {
        if (_rewrite != null)
        {
            _server.Log.Notice("Killing running AOF rewrite child");
            _rewrite.Cancel();
        }
        bool waiting = _state == State.WaitRewrite;
        _writer?.Dispose();
        _writer = null;
        _state = State.Off;
        _rewriteScheduled = false;
        if (waiting) DurableFiles.TryDelete(PathOf(TempIncrName));
    }

    /// <summary>prepareForShutdown: stop a rewrite, make the stream durable.</summary>
    internal void PrepareForShutdown()
    {
        if (_rewrite != null)
        {
            _server.Log.Warning("There is a child rewriting the AOF. Killing it!");
            _rewrite.Cancel();
        }
        if (_state == State.Off || _writer == null) return;
        _server.Log.Notice("Calling fsync() on the AOF file.");
        _writer.FlushAndSync();
    }

    /// <summary>After the server stopped: closes the file and the writer's thread.</summary>
    internal void Close()
    {
        lock (_server.Sync)
        {
            _writer?.Dispose();
            _writer = null;
            _state = State.Off;
        }
    }

    // ---------------------------------------------------------------- INFO

    internal void WriteInfo(StringBuilder sb)
    {
        sb.Append("aof_enabled:").Append(Enabled ? 1 : 0).Append("\r\n");
        sb.Append("aof_rewrite_in_progress:").Append(_rewrite != null ? 1 : 0).Append("\r\n");
        sb.Append("aof_rewrite_scheduled:").Append(_rewriteScheduled ? 1 : 0).Append("\r\n");
        sb.Append("aof_last_rewrite_time_sec:").Append(LastRewriteSeconds).Append("\r\n");
        sb.Append("aof_current_rewrite_time_sec:").Append(_rewrite?.ElapsedSeconds ?? -1).Append("\r\n");
        sb.Append("aof_last_bgrewrite_status:").Append(LastRewriteOk ? "ok" : "err").Append("\r\n");
        sb.Append("aof_rewrites:").Append(Rewrites).Append("\r\n");
        sb.Append("aof_rewrites_consecutive_failures:").Append(ConsecutiveFailures).Append("\r\n");
        sb.Append("aof_last_write_status:").Append(LastWriteError == null ? "ok" : "err").Append("\r\n");
        sb.Append("aof_last_cow_size:").Append(_lastCowBytes).Append("\r\n");
    }

    internal void WriteSizeInfo(StringBuilder sb)
    {
        if (_state == State.Off) return;
        sb.Append("aof_current_size:").Append(CurrentSize).Append("\r\n");
        sb.Append("aof_base_size:").Append(_rewriteBaseSize).Append("\r\n");
        sb.Append("aof_pending_rewrite:").Append(_rewriteScheduled ? 1 : 0).Append("\r\n");
        sb.Append("aof_buffer_length:").Append(_writer?.PendingBytes ?? 0).Append("\r\n");
        sb.Append("aof_pending_bio_fsync:").Append(_writer?.FsyncInProgress == true ? 1 : 0).Append("\r\n");
        sb.Append("aof_delayed_fsync:0\r\n");
    }
}
