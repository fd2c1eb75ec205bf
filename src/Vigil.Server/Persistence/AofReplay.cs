using System.Text;
using Vigil.Protocol;
using Vigil.Server.Clients;

namespace Vigil.Server.Persistence;

/// <summary>
/// Replays one AOF file in command form (loadSingleAppendOnlyFile): each "*argc $len arg ..."
/// command runs through the executor as a client with no connection, "#" annotation lines are
/// skipped. A file that ends inside a command (or inside MULTI without EXEC) is truncated to its
/// last complete command when allowed, as aof-load-truncated does; anything else that is not a
/// command is a format error naming the file and the offset.
/// </summary>
internal sealed class AofReplay
{
    /// <summary>AOF_ANNOTATION_LINE_MAX_LEN: the longest "*argc" or "$len" line accepted.</summary>
    private const int MaxLineLength = 1024;

    private readonly VigilServer _server;
    private readonly Stream _input;
    private readonly string _name;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private long _bufferOffset;
    private byte[] _args = new byte[4096];
    private ArgRange[] _ranges = new ArgRange[16];

    private AofReplay(VigilServer server, Stream input, string name)
    {
        _server = server;
        _input = input;
        _name = name;
        _bufferOffset = input.Position;
    }

    private long Offset => _bufferOffset + _start;

    /// <summary>
    /// Replays from the stream's position to its end. Returns the offset to truncate the file at
    /// when it ended inside a command (or -1 when it ended cleanly).
    /// </summary>
    public static long Run(VigilServer server, Stream input, string name, Action tick)
    {
        var replay = new AofReplay(server, input, name);
        var executor = server.Executor;
        // Loading is not new writes: nothing is propagated (Redis calls the commands' procs directly).
        var propagate = executor.Propagate;
        executor.Propagate = null;
        try
        {
            return replay.Run(tick);
        }
        finally
        {
            executor.Propagate = propagate;
        }
    }

    private long Run(Action tick)
    {
        var client = new Client(long.MaxValue, "", "", _server.Keyspace.Now);
        long validUpTo = Offset;
        long validBeforeMulti = validUpTo;
        while (true)
        {
            long commandStart = Offset;
            var status = ReadLine(out var line);
            if (status == LineStatus.End) break;
            if (status == LineStatus.Short) return TruncationPoint(client, validUpTo, validBeforeMulti);
            if (status == LineStatus.TooLong || line.Length == 0) throw FormatError(commandStart);
            if (line[0] == '#') continue;
            if (line[0] != '*' || !TryParseNumber(line[1..], out long argc) || argc < 1 || argc > 1024 * 1024) throw FormatError(commandStart);
            if (_ranges.Length < argc) _ranges = new ArgRange[argc];
            int used = 0;
            for (int j = 0; j < argc; j++)
            {
                status = ReadLine(out line);
                if (status is LineStatus.End or LineStatus.Short) return TruncationPoint(client, validUpTo, validBeforeMulti);
                if (status == LineStatus.TooLong || line.Length == 0 || line[0] != '$' ||
                    !TryParseNumber(line[1..], out long length) || length < 0 || length > _server.Config.ProtoMaxBulkLen)
                {
                    throw FormatError(commandStart);
                }
                if (used + length > _args.Length) Array.Resize(ref _args, (int)Math.Min(Array.MaxLength, Math.Max(_args.Length * 2L, used + length)));
                if (!ReadExactly(_args.AsSpan(used, (int)length)) || !ReadCrLf(out bool crlf)) return TruncationPoint(client, validUpTo, validBeforeMulti);
                if (!crlf) throw FormatError(commandStart);
                _ranges[j] = new ArgRange(used, (int)length);
                used += (int)length;
            }
            bool isMulti = _ranges[0].Length == 5 && RedisNumbers.EqualsIgnoreCase(_args.AsSpan(0, 5), "multi"u8);
            if (isMulti) validBeforeMulti = validUpTo;
            if (!_server.Executor.Replay(client, _args, _ranges, 0, (int)argc))
            {
                throw new PersistenceException(
                    $"Unknown command '{Encoding.Latin1.GetString(_args, 0, _ranges[0].Length)}' reading the append only file {_name} (at offset {commandStart})");
            }
            client.Output.Reset();
            validUpTo = Offset;
            tick();
        }
        return client.HasFlag(ClientFlags.Multi) ? TruncationPoint(client, validUpTo, validBeforeMulti) : -1;
    }

    /// <summary>Where a short file is cut: after its last whole command, or before an unfinished MULTI.</summary>
    private long TruncationPoint(Client client, long validUpTo, long validBeforeMulti)
    {
        if (!client.HasFlag(ClientFlags.Multi)) return validUpTo;
        _server.Log.Warning($"Revert incomplete MULTI/EXEC transaction in AOF file {_name}");
        return validBeforeMulti;
    }

    private PersistenceException FormatError(long offset) =>
        new($"Bad file format reading the append only file {_name} (at offset {offset}): make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>");

    private enum LineStatus
    {
        Ok,
        /// <summary>Clean end of file before the line.</summary>
        End,
        /// <summary>The file ends inside the line.</summary>
        Short,
        TooLong,
    }

    /// <summary>A line without its "\r\n".</summary>
    private LineStatus ReadLine(out ReadOnlySpan<byte> line)
    {
        line = default;
        while (true)
        {
            int newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var raw = _buffer.AsSpan(_start, newline);
                _start += newline + 1;
                line = raw.Length > 0 && raw[^1] == '\r' ? raw[..^1] : raw;
                return LineStatus.Ok;
            }
            if (_end - _start > MaxLineLength) return LineStatus.TooLong;
            if (!Fill()) return _end == _start ? LineStatus.End : LineStatus.Short;
        }
    }

    private bool ReadExactly(Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            if (_start == _end && !Fill()) return false;
            int n = Math.Min(destination.Length, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(destination);
            _start += n;
            destination = destination[n..];
        }
        return true;
    }

    /// <summary>Reads the two bytes after an argument; false at end of file.</summary>
    private bool ReadCrLf(out bool valid)
    {
        Span<byte> crlf = stackalloc byte[2];
        valid = false;
        if (!ReadExactly(crlf)) return false;
        valid = crlf[0] == '\r' && crlf[1] == '\n';
        return true;
    }

    /// <summary>Reads more input, keeping the unread bytes; false at end of file.</summary>
    private bool Fill()
    {
        int remaining = _end - _start;
        if (remaining > 0) Buffer.BlockCopy(_buffer, _start, _buffer, 0, remaining);
        _bufferOffset += _start;
        _start = 0;
        _end = remaining;
        if (_end == _buffer.Length) return false;
        int n = _input.Read(_buffer, _end, _buffer.Length - _end);
        _end += n;
        return n > 0;
    }

    private static bool TryParseNumber(ReadOnlySpan<byte> text, out long value) => RedisNumbers.TryParseInt64(text, out value);
}
