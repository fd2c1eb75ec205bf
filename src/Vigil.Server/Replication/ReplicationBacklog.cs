using Vigil.Protocol;

namespace Vigil.Server.Replication;

/// <summary>
/// The most recent bytes of the replication stream, in a circular buffer of repl-backlog-size
/// bytes, so that a replica that lost its link can continue from its offset (PSYNC) instead of
/// loading a whole RDB again. Offsets are stream offsets: the first byte ever produced is 1.
/// </summary>
internal sealed class ReplicationBacklog
{
    /// <summary>Redis's floor for repl-backlog-size (CONFIG_REPL_BACKLOG_MIN_SIZE).</summary>
    public const long MinSize = 16 * 1024;

    private readonly byte[] _buffer;
    private int _next;

    /// <param name="size">repl-backlog-size.</param>
    /// <param name="nextOffset">The offset of the next byte the stream will produce.</param>
    public ReplicationBacklog(long size, long nextOffset)
    {
        _buffer = new byte[(int)Math.Clamp(size, MinSize, Array.MaxLength)];
        FirstByteOffset = nextOffset;
    }

    public long Size => _buffer.Length;

    /// <summary>The offset of the oldest byte held (repl_backlog_first_byte_offset).</summary>
    public long FirstByteOffset { get; private set; }

    /// <summary>How many bytes are held (repl_backlog_histlen).</summary>
    public long HistLen { get; private set; }

    /// <summary>The offset just past the newest byte held.</summary>
    public long EndOffset => FirstByteOffset + HistLen;

    public void Append(ReadOnlySpan<byte> data)
    {
        long added = data.Length;
        long end = EndOffset + added;
        // Only the tail of a write bigger than the buffer survives it.
        if (data.Length > _buffer.Length) data = data[^_buffer.Length..];
        while (!data.IsEmpty)
        {
            int n = Math.Min(data.Length, _buffer.Length - _next);
            data[..n].CopyTo(_buffer.AsSpan(_next));
            _next = (_next + n) % _buffer.Length;
            data = data[n..];
        }
        HistLen = Math.Min(HistLen + added, _buffer.Length);
        FirstByteOffset = end - HistLen;
    }

    /// <summary>True when a replica whose next byte is <paramref name="offset"/> can continue from here.</summary>
    public bool CanContinueFrom(long offset) => offset >= FirstByteOffset && offset <= EndOffset;

    /// <summary>Writes the bytes from <paramref name="offset"/> to the newest into <paramref name="output"/>; returns their count.</summary>
    public long CopyFrom(long offset, RespWriter output)
    {
        long skip = offset - FirstByteOffset;
        long length = HistLen - skip;
        int at = (int)((_next - HistLen + skip + 2L * _buffer.Length) % _buffer.Length);
        long left = length;
        while (left > 0)
        {
            int n = (int)Math.Min(left, _buffer.Length - at);
            output.WriteRaw(_buffer.AsSpan(at, n));
            at = (at + n) % _buffer.Length;
            left -= n;
        }
        return length;
    }

    /// <summary>A backlog of <paramref name="size"/> bytes holding as much of this one's newest history as fits.</summary>
    public ReplicationBacklog Resized(long size)
    {
        var resized = new ReplicationBacklog(size, EndOffset);
        long keep = Math.Min(HistLen, resized.Size);
        resized.FirstByteOffset = EndOffset - keep;
        var tail = new RespWriter((int)Math.Max(keep, 16));
        CopyFrom(EndOffset - keep, tail);
        tail.WrittenSpan.CopyTo(resized._buffer);
        resized._next = (int)(keep % resized.Size);
        resized.HistLen = keep;
        return resized;
    }
}
