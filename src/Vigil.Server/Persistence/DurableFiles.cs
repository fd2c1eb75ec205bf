using System.Runtime.InteropServices;

namespace Vigil.Server.Persistence;

/// <summary>
/// File steps that make a write survive a crash: fsync of a file's data, of the directory that
/// names it (after a rename), and writing whole files through a temporary name and an atomic rename.
/// </summary>
public static partial class DurableFiles
{
    /// <summary>
    /// Writes a file through <paramref name="tempPath"/> then renames it over <paramref name="path"/>
    /// (fsyncing the data, then the directory), so readers see the old file or the whole new one.
    /// </summary>
    public static void WriteAtomically(string path, string tempPath, Action<Stream> write, long syncEveryBytes = 0)
    {
        WriteFile(tempPath, write, syncEveryBytes);
        Replace(tempPath, path);
    }

    /// <summary>Writes and fsyncs a whole file; on failure the partial file is removed.</summary>
    public static void WriteFile(string path, Action<Stream> write, long syncEveryBytes = 0)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1);
            using var output = new BufferedStream(new IncrementalSyncStream(file, syncEveryBytes), 64 * 1024);
            write(output);
            output.Flush();
            file.Flush(flushToDisk: true);
        }
        catch
        {
            TryDelete(path);
            throw;
        }
    }

    /// <summary>Renames <paramref name="tempPath"/> over <paramref name="path"/> atomically and makes the rename durable.</summary>
    public static void Replace(string tempPath, string path)
    {
        try
        {
            // rename(2) itself: File.Move may unlink the target first, leaving a moment with no file at all.
            if (OperatingSystem.IsWindows()) File.Move(tempPath, path, overwrite: true);
            else if (Rename(tempPath, path) != 0) throw RenameError(tempPath, path, Marshal.GetLastPInvokeError());
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }
        SyncDirectoryOf(path);
    }

    /// <summary>fsync of the directory holding <paramref name="path"/>, so a rename or a new file is durable.</summary>
    public static void SyncDirectoryOf(string path)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir == null || !OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS()) return;
        int fd = Open(dir, 0 /* O_RDONLY */);
        if (fd < 0) return;
        Fsync(fd);
        Close(fd);
    }

    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>An IO failure as strerror would word it, for logs and INFO ("Permission denied").</summary>
    public static string Describe(Exception e) => e switch
    {
        UnauthorizedAccessException => "Permission denied",
        DirectoryNotFoundException => "No such file or directory",
        FileNotFoundException => "No such file or directory",
        IOException io when (io.HResult & 0xFFFF) == 28 => "No space left on device",
        _ => WithoutPath(e.Message),
    };

    /// <summary>.NET appends " : '&lt;path&gt;'" to the system's error text; Redis logs the text alone.</summary>
    private static string WithoutPath(string message)
    {
        int at = message.IndexOf(" : '", StringComparison.Ordinal);
        return at > 0 && message.EndsWith('\'') ? message[..at] : message;
    }

    private static IOException RenameError(string from, string to, int errno)
    {
        string reason = errno switch
        {
            2 => "No such file or directory",
            13 => "Permission denied",
            21 => "Is a directory",
            28 => "No space left on device",
            30 => "Read-only file system",
            _ => $"error {errno}",
        };
        return new IOException($"Error moving {from} to {to}: {reason}", errno);
    }

    [LibraryImport("libc", EntryPoint = "rename", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Rename(string from, string to);

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    /// <summary>rdb-save-incremental-fsync: fsyncs every so many bytes so the kernel never holds a huge dirty backlog.</summary>
    private sealed class IncrementalSyncStream(FileStream file, long syncEveryBytes) : Stream
    {
        private long _unsynced;

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            file.Write(buffer);
            _unsynced += buffer.Length;
            if (syncEveryBytes <= 0 || _unsynced < syncEveryBytes) return;
            file.Flush(flushToDisk: true);
            _unsynced = 0;
        }

        public override void Flush() => file.Flush();

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => file.Length;
        public override long Position { get => file.Position; set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
