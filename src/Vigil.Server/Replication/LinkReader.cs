using System.Net.Sockets;
using System.Text;

namespace Vigil.Server.Replication;

/// <summary>
/// Blocking, buffered reads from the socket to the master during the handshake and the RDB
/// transfer: reply lines, the RDB (of a known length, or up to its end mark) and, afterwards,
/// the bytes already read past it, which belong to the stream. Every read records the time of
/// the last I/O, which the replication cron watches for repl-timeout, and counts in total_net_repl_input_bytes.
/// </summary>
internal sealed class LinkReader
{
    private const int MaxLineLength = 64 * 1024;

    private readonly Socket _socket;
    private byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private readonly ServerStats _stats;

    public LinkReader(Socket socket, ServerStats stats)
    {
        _socket = socket;
        _stats = stats;
        LastIo = Environment.TickCount64;
    }

    /// <summary>Monotonic ms of the last byte received.</summary>
    public long LastIo { get; private set; }

    /// <summary>Bytes received so far.</summary>
    public long TotalRead { get; private set; }

    /// <summary>Reads one line, without its CR LF.</summary>
    public string ReadLine()
    {
        while (true)
        {
            int newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                int length = newline > 0 && _buffer[_start + newline - 1] == '\r' ? newline - 1 : newline;
                string line = Encoding.Latin1.GetString(_buffer, _start, length);
                _start += newline + 1;
                return line;
            }
            if (_end - _start > MaxLineLength) throw new IOException("Line from master too long");
            Fill();
        }
    }

    /// <summary>Reads up to <paramref name="into"/>'s length; at least one byte.</summary>
    public int Read(Span<byte> into)
    {
        if (_start == _end) Fill();
        int n = Math.Min(into.Length, _end - _start);
        _buffer.AsSpan(_start, n).CopyTo(into);
        _start += n;
        return n;
    }

    /// <summary>Copies exactly <paramref name="length"/> bytes into <paramref name="destination"/>.</summary>
    public void CopyExactly(long length, Stream destination, Action<long>? progress = null)
    {
        long left = length;
        while (left > 0)
        {
            if (_start == _end) Fill();
            int n = (int)Math.Min(left, _end - _start);
            destination.Write(_buffer, _start, n);
            _start += n;
            left -= n;
            progress?.Invoke(length - left);
        }
    }

    /// <summary>
    /// Copies everything up to <paramref name="mark"/> into <paramref name="destination"/> and
    /// consumes the mark (a diskless RDB's $EOF: form). Bytes after it stay buffered.
    /// </summary>
    public void CopyUntilMark(byte[] mark, Stream destination, Action<long>? progress = null)
    {
        long copied = 0;
        while (true)
        {
            var pending = _buffer.AsSpan(_start, _end - _start);
            int found = pending.IndexOf(mark);
            if (found >= 0)
            {
                destination.Write(_buffer, _start, found);
                _start += found + mark.Length;
                progress?.Invoke(copied + found);
                return;
            }
            // Keep what could be the start of a mark cut by the end of the buffer.
            int safe = pending.Length - (mark.Length - 1);
            if (safe > 0)
            {
                destination.Write(_buffer, _start, safe);
                _start += safe;
                copied += safe;
                progress?.Invoke(copied);
            }
            Fill();
        }
    }

    /// <summary>The bytes read past what was consumed; they are handed to the stream phase.</summary>
    public ReadOnlySpan<byte> Remaining => _buffer.AsSpan(_start, _end - _start);

    /// <summary>A stream over the next <paramref name="length"/> bytes of the link (an RDB of known length, loaded from the socket).</summary>
    public Stream AsStream(long length) => new LinkStream(this, length, null);

    /// <summary>
    /// A stream over the link that ends before <paramref name="mark"/> (a streamed RDB, loaded from the
    /// socket): readers that read ahead cannot swallow the mark or the stream behind it. Reading it
    /// to its end consumes the mark.
    /// </summary>
    public Stream AsStreamUntil(byte[] mark) => new LinkStream(this, long.MaxValue, mark);

    /// <summary>Up to <paramref name="into"/>'s length of what comes before <paramref name="mark"/>; 0 once the mark is consumed.</summary>
    private int ReadBeforeMark(Span<byte> into, byte[] mark)
    {
        while (true)
        {
            var pending = _buffer.AsSpan(_start, _end - _start);
            int found = pending.IndexOf(mark);
            if (found == 0)
            {
                _start += mark.Length;
                return 0;
            }
            // Without the mark in sight, keep back what could be its start.
            int available = found > 0 ? found : pending.Length - (mark.Length - 1);
            if (available > 0)
            {
                int n = Math.Min(available, into.Length);
                pending[..n].CopyTo(into);
                _start += n;
                return n;
            }
            Fill();
        }
    }

    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        int n = _socket.Receive(_buffer, _end, _buffer.Length - _end, SocketFlags.None);
        if (n == 0) throw new IOException("Master closed the connection");
        _end += n;
        TotalRead += n;
        Interlocked.Add(ref _stats.TotalNetReplInputBytes, n);
        LastIo = Environment.TickCount64;
    }

    private sealed class LinkStream(LinkReader reader, long limit, byte[]? mark) : Stream
    {
        private long _left = limit;
        private bool _ended;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_ended || _left == 0 || buffer.IsEmpty) return 0;
            if (buffer.Length > _left) buffer = buffer[..(int)_left];
            int n = mark != null ? reader.ReadBeforeMark(buffer, mark) : reader.Read(buffer);
            _ended = n == 0;
            _left -= n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
