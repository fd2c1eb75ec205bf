namespace Vigil.Protocol;

/// <summary>
/// Parses one RESP2 or RESP3 reply from a buffer. Stateless like <see cref="RequestParser"/>: when
/// the reply is incomplete it returns false and is parsed again from its start with more bytes.
/// Malformed input throws <see cref="RespProtocolException"/>.
/// </summary>
public static class RespReader
{
    public const int MaxDepth = 64;

    public static bool TryRead(ReadOnlySpan<byte> input, out RespValue? value, out int consumed)
    {
        consumed = 0;
        value = null;
        int pos = 0;
        if (!TryReadValue(input, ref pos, 0, out value)) return false;
        consumed = pos;
        return true;
    }

    private static bool TryReadValue(ReadOnlySpan<byte> input, ref int pos, int depth, out RespValue? value)
    {
        value = null;
        if (depth > MaxDepth) throw new RespProtocolException("reply nested too deeply");
        if (pos >= input.Length) return false;
        byte type = input[pos];
        int lineEnd = input[pos..].IndexOf("\r\n"u8);
        if (lineEnd < 0)
        {
            if (input.Length - pos > ParseLimits.InlineMaxSize) throw new RespProtocolException("line too long");
            return false;
        }
        var line = input.Slice(pos + 1, lineEnd - 1);
        int next = pos + lineEnd + 2;
        switch ((RespType)type)
        {
            case RespType.SimpleString:
            case RespType.Error:
            case RespType.Double:
            case RespType.BigNumber:
                value = new RespValue((RespType)type, line.ToArray());
                break;
            case RespType.Integer:
                value = new RespValue(RespType.Integer, integer: ParseLength(line, allowNegative: true));
                break;
            case RespType.Null:
                value = new RespValue(RespType.Null, isNull: true);
                break;
            case RespType.Boolean:
                if (line.Length != 1 || (line[0] != 't' && line[0] != 'f')) throw new RespProtocolException("bad boolean");
                value = new RespValue(RespType.Boolean, integer: line[0] == 't' ? 1 : 0);
                break;
            case RespType.BulkString:
            case RespType.BlobError:
            case RespType.Verbatim:
            {
                long length = ParseLength(line, allowNegative: true);
                if (length < 0)
                {
                    if (length != -1) throw new RespProtocolException("bad bulk length");
                    value = new RespValue((RespType)type, isNull: true);
                    break;
                }
                if (next + length + 2 > input.Length) return false;
                if (input[next + (int)length] != '\r' || input[next + (int)length + 1] != '\n')
                    throw new RespProtocolException("bulk string not terminated by CRLF");
                value = new RespValue((RespType)type, input.Slice(next, (int)length).ToArray());
                next += (int)length + 2;
                break;
            }
            case RespType.Array:
            case RespType.Set:
            case RespType.Push:
            case RespType.Map:
            case RespType.Attribute:
            {
                long count = ParseLength(line, allowNegative: true);
                if (count < 0)
                {
                    if (count != -1) throw new RespProtocolException("bad aggregate length");
                    value = new RespValue((RespType)type, isNull: true);
                    break;
                }
                if ((RespType)type is RespType.Map or RespType.Attribute) count *= 2;
                // Never trust a length before the bytes are there: each element takes at least 3.
                if (count > (input.Length - next) / 3 + 1) return false;
                var items = new RespValue[count];
                for (int i = 0; i < count; i++)
                {
                    if (!TryReadValue(input, ref next, depth + 1, out var item)) return false;
                    items[i] = item!;
                }
                if ((RespType)type == RespType.Attribute)
                {
                    // Attributes annotate the reply that follows; callers get that reply.
                    return TryReadValue(input, ref next, depth + 1, out value) && (pos = next) >= 0;
                }
                value = new RespValue((RespType)type, items: items);
                break;
            }
            default:
                throw new RespProtocolException($"unknown reply type '{(char)type}'");
        }
        pos = next;
        return true;
    }

    private static long ParseLength(ReadOnlySpan<byte> line, bool allowNegative)
    {
        if (!RedisNumbers.TryParseInt64(line, out long n) || (!allowNegative && n < 0))
            throw new RespProtocolException("bad number '" + System.Text.Encoding.Latin1.GetString(line) + "'");
        return n;
    }
}

public sealed class RespProtocolException : Exception
{
    public RespProtocolException(string message) : base("Protocol error: " + message)
    {
    }
}
