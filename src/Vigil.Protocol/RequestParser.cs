namespace Vigil.Protocol;

/// <summary>
/// Reads client requests in both of Redis's forms: multibulk (<c>*N\r\n$len\r\narg\r\n...</c>) and
/// inline (<c>SET k v\n</c>, split like sdssplitargs). It is stateless: an incomplete command is parsed
/// again from its start when more bytes arrive, which costs little because only headers are scanned.
/// Error texts are Redis 7.0's, byte for byte.
/// </summary>
public static class RequestParser
{
    /// <summary>
    /// Parses one command from <paramref name="input"/>. Argument ranges are recorded relative to
    /// <paramref name="baseOffset"/> (the position of <paramref name="input"/> in its buffer).
    /// Inline arguments are unescaped in place, so <paramref name="input"/> may be rewritten.
    /// </summary>
    /// <param name="needed">When incomplete: how many bytes from the start of the input the command
    /// is known to need, or 0 when that is not known yet.</param>
    public static ParseStatus TryParse(Span<byte> input, int baseOffset, ParsedCommands into, in ParseLimits limits,
        out int consumed, out long needed, out string? error)
    {
        consumed = 0;
        needed = 0;
        error = null;
        if (input.IsEmpty) return ParseStatus.Incomplete;
        return input[0] == (byte)'*'
            ? ParseMultibulk(input, baseOffset, into, limits, out consumed, out needed, out error)
            : ParseInline(input, baseOffset, into, out consumed, out error);
    }

    private static ParseStatus ParseMultibulk(Span<byte> input, int baseOffset, ParsedCommands into, in ParseLimits limits,
        out int consumed, out long needed, out string? error)
    {
        consumed = 0;
        needed = 0;
        error = null;
        int lineEnd = LineEnd(input, (byte)'\r');
        if (lineEnd < 0)
        {
            if (input.Length > ParseLimits.InlineMaxSize) return Fail("Protocol error: too big mbulk count string", out error);
            return ParseStatus.Incomplete;
        }
        if (lineEnd + 1 >= input.Length) return ParseStatus.Incomplete;
        if (!RedisNumbers.TryParseInt64(input[1..lineEnd], out long count) || count > int.MaxValue)
            return Fail("Protocol error: invalid multibulk length", out error);
        if (count > ParseLimits.UnauthenticatedMaxArgs && limits.AuthRequired)
            return Fail("Protocol error: unauthenticated multibulk length", out error);

        int pos = lineEnd + 2;
        if (count <= 0)
        {
            consumed = pos;
            return ParseStatus.Command;
        }

        int mark = into.BeginCommand();
        for (long i = 0; i < count; i++)
        {
            var rest = input[pos..];
            int headerEnd = LineEnd(rest, (byte)'\r');
            if (headerEnd < 0)
            {
                into.Rollback(mark);
                if (rest.Length > ParseLimits.InlineMaxSize) return Fail("Protocol error: too big bulk count string", out error);
                return ParseStatus.Incomplete;
            }
            if (headerEnd + 1 >= rest.Length)
            {
                into.Rollback(mark);
                return ParseStatus.Incomplete;
            }
            if (rest[0] != (byte)'$')
            {
                into.Rollback(mark);
                return Fail($"Protocol error: expected '$', got '{(char)rest[0]}'", out error);
            }
            if (!RedisNumbers.TryParseInt64(rest[1..headerEnd], out long length) || length < 0 ||
                (!limits.FromMaster && length > limits.MaxBulkLength))
            {
                into.Rollback(mark);
                return Fail("Protocol error: invalid bulk length", out error);
            }
            if (length > ParseLimits.UnauthenticatedMaxBulk && limits.AuthRequired)
            {
                into.Rollback(mark);
                return Fail("Protocol error: unauthenticated bulk length", out error);
            }
            int dataStart = pos + headerEnd + 2;
            long dataEnd = dataStart + length + 2;
            if (dataEnd > input.Length)
            {
                into.Rollback(mark);
                needed = dataEnd;
                return ParseStatus.Incomplete;
            }
            into.AddArg(baseOffset + dataStart, (int)length);
            pos = (int)dataEnd;
        }
        into.CommitCommand();
        consumed = pos;
        return ParseStatus.Command;
    }

    private static ParseStatus ParseInline(Span<byte> input, int baseOffset, ParsedCommands into, out int consumed, out string? error)
    {
        consumed = 0;
        error = null;
        int newline = LineEnd(input, (byte)'\n');
        if (newline < 0)
        {
            if (input.Length > ParseLimits.InlineMaxSize) return Fail("Protocol error: too big inline request", out error);
            return ParseStatus.Incomplete;
        }
        var line = input[..newline];
        if (line.Length > 0 && line[^1] == (byte)'\r') line = line[..^1];

        // Unescaping rewrites the line in place, so a line with quotes is checked first: a failed
        // parse must leave the buffer as it was (the connection parses it again after earlier commands).
        bool quoted = line.IndexOfAny((byte)'"', (byte)'\'') >= 0;
        if (quoted && !SplitArgs(line, baseOffset, null, out _)) return Fail("Protocol error: unbalanced quotes in request", out error);
        into.BeginCommand();
        SplitArgs(line, baseOffset, into, out int argCount);
        consumed = newline + 1;
        // An empty line is consumed without making a command, as in Redis.
        if (argCount > 0) into.CommitCommand();
        return ParseStatus.Command;
    }

    /// <summary>
    /// Where the line ending in <paramref name="terminator"/> ends, or -1 when none is there yet. Redis
    /// looks for it with strchr, which stops at a NUL byte: a NUL before the terminator means no line.
    /// </summary>
    private static int LineEnd(ReadOnlySpan<byte> input, byte terminator)
    {
        int end = input.IndexOfAny(terminator, (byte)0);
        return end >= 0 && input[end] == terminator ? end : -1;
    }

    /// <summary>
    /// sdssplitargs: blanks separate arguments; "..." takes C escapes, '...' only \'. Arguments are
    /// unescaped in place and added to <paramref name="into"/>; with null it only checks the quotes.
    /// </summary>
    private static bool SplitArgs(Span<byte> line, int baseOffset, ParsedCommands? into, out int added)
    {
        // A check leaves the line alone: it writes its unescaped bytes nowhere.
        var output = into == null ? Span<byte>.Empty : line;
        int read = 0;
        int write = 0;
        added = 0;
        while (true)
        {
            while (read < line.Length && IsSpace(line[read])) read++;
            if (read >= line.Length) break;

            int argStart = write;
            bool inDouble = false, inSingle = false, done = false;
            while (!done)
            {
                byte c = read < line.Length ? line[read] : (byte)0;
                bool atEnd = read >= line.Length;
                if (inDouble)
                {
                    if (c == '\\' && read + 3 < line.Length && line[read + 1] == 'x' &&
                        IsHex(line[read + 2]) && IsHex(line[read + 3]))
                    {
                        Put(output, ref write, (byte)(HexValue(line[read + 2]) * 16 + HexValue(line[read + 3])));
                        read += 3;
                    }
                    else if (c == '\\' && read + 1 < line.Length)
                    {
                        read++;
                        Put(output, ref write, line[read] switch
                        {
                            (byte)'n' => (byte)'\n',
                            (byte)'r' => (byte)'\r',
                            (byte)'t' => (byte)'\t',
                            (byte)'b' => (byte)'\b',
                            (byte)'a' => (byte)'\a',
                            var other => other,
                        });
                    }
                    else if (c == '"')
                    {
                        // A closing quote must be followed by a blank or the end of the line.
                        if (read + 1 < line.Length && !IsSpace(line[read + 1])) return false;
                        done = true;
                    }
                    else if (atEnd) return false;
                    else Put(output, ref write, c);
                }
                else if (inSingle)
                {
                    if (c == '\\' && read + 1 < line.Length && line[read + 1] == '\'')
                    {
                        read++;
                        Put(output, ref write, (byte)'\'');
                    }
                    else if (c == '\'')
                    {
                        if (read + 1 < line.Length && !IsSpace(line[read + 1])) return false;
                        done = true;
                    }
                    else if (atEnd) return false;
                    else Put(output, ref write, c);
                }
                else if (atEnd || c == ' ' || c == '\n' || c == '\r' || c == '\t')
                {
                    done = true;
                }
                else if (c == '"') inDouble = true;
                else if (c == '\'') inSingle = true;
                else Put(output, ref write, c);

                if (!atEnd) read++;
            }
            into?.AddArg(baseOffset + argStart, write - argStart);
            added++;
        }
        return true;
    }

    /// <summary>
    /// Splits a line into arguments as sdssplitargs does (config files, inline commands): null when
    /// quotes are unbalanced. Bytes map to chars one to one (Latin-1).
    /// </summary>
    public static List<string>? SplitLine(string line)
    {
        var bytes = System.Text.Encoding.Latin1.GetBytes(line);
        var parsed = new ParsedCommands();
        parsed.BeginCommand();
        if (!SplitArgs(bytes, 0, parsed, out int count)) return null;
        var result = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            var r = parsed.Args[i];
            result.Add(System.Text.Encoding.Latin1.GetString(bytes, r.Start, r.Length));
        }
        return result;
    }

    private static void Put(Span<byte> output, ref int write, byte value)
    {
        if (!output.IsEmpty) output[write] = value;
        write++;
    }

    private static ParseStatus Fail(string message, out string error)
    {
        error = message;
        return ParseStatus.Error;
    }

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';

    private static bool IsHex(byte c) => c is >= (byte)'0' and <= (byte)'9' or >= (byte)'a' and <= (byte)'f' or >= (byte)'A' and <= (byte)'F';

    private static int HexValue(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
