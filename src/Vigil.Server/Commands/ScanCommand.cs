using System.Buffers.Text;
using Vigil.Server.Storage;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>
/// SCAN cursor [MATCH pattern] [COUNT count] [TYPE type] (scanGenericCommand over the keyspace).
/// The cursor is the key table's reverse-binary bucket cursor, so every key present for a whole
/// iteration is returned at least once, even when the table grows or shrinks in between.
/// </summary>
internal static class ScanCommand
{
    internal const string InvalidCursor = "ERR invalid cursor";

    // Commands run one at a time under the server lock, so one buffer serves every SCAN.
    private static readonly List<byte[]> Collected = new();

    private struct ScanState
    {
        public Database Db;
        public List<byte[]> Keys;
    }

    public static void Register(VigilServer server)
    {
        server.Commands.Add("scan", -2, ReadOnly, 0, 0, 0, Scan, "generic");
    }

    private static void Scan(CommandContext ctx)
    {
        if (!TryParseCursor(ctx.Arg(1), out ulong cursor))
        {
            ctx.Error(InvalidCursor);
            return;
        }
        if (!TryParseOptions(ctx, 2, allowType: true, out var options)) return;
        int patternArg = options.PatternArg, typeArg = options.TypeArg;

        var keys = Collected;
        keys.Clear();
        try
        {
            var state = new ScanState { Db = ctx.Db, Keys = keys };
            cursor = ctx.Db.Scan(cursor, options.Count, ref state,
                static (ref ScanState s, int slot) => s.Keys.Add(s.Db.KeyAt(slot)));

            bool usePattern = options.UsesPattern(ctx);
            int kept = 0;
            for (int i = 0; i < keys.Count; i++)
            {
                var key = keys[i];
                if (usePattern && !GlobPattern.IsMatch(ctx.Arg(patternArg), key)) continue;
                if (typeArg > 0)
                {
                    var value = KeyLookup.ReadNoTouch(ctx, key);
                    string type = value == null ? "none" : RedisTypes.NameOf(value);
                    if (!EqualsIgnoreCase(ctx.Arg(typeArg), type)) continue;
                }
                // Skip (and delete) keys whose time ran out.
                if (ctx.Db.Peek(key) == null) continue;
                keys[kept++] = key;
            }

            WriteReplyHeader(ctx, cursor, kept);
            for (int i = 0; i < kept; i++) ctx.Reply.WriteBulkString(keys[i]);
        }
        finally
        {
            keys.Clear();
        }
    }

    /// <summary>The options of SCAN, HSCAN, SSCAN and ZSCAN: argument indexes of MATCH and TYPE (0 when absent), and COUNT.</summary>
    internal readonly record struct Options(int PatternArg, int TypeArg, int Count)
    {
        /// <summary>True when MATCH was given with a pattern other than "*".</summary>
        public bool UsesPattern(CommandContext ctx) => PatternArg > 0 && !GlobPattern.MatchesAll(ctx.Arg(PatternArg));
    }

    /// <summary>
    /// scanGenericCommand's option loop from argument <paramref name="first"/> on; TYPE only for the
    /// keyspace. On a bad option replies the error and returns false.
    /// </summary>
    internal static bool TryParseOptions(CommandContext ctx, int first, bool allowType, out Options options)
    {
        options = default;
        long count = 10;
        int patternArg = 0, typeArg = 0;
        for (int i = first; i < ctx.ArgCount; i++)
        {
            bool hasValue = i + 1 < ctx.ArgCount;
            if (ctx.ArgIs(i, "count"u8) && hasValue)
            {
                if (!ctx.TryGetInt64(++i, out count)) return false;
                if (count < 1)
                {
                    ctx.SyntaxError();
                    return false;
                }
            }
            else if (ctx.ArgIs(i, "match"u8) && hasValue)
            {
                patternArg = ++i;
            }
            else if (allowType && ctx.ArgIs(i, "type"u8) && hasValue)
            {
                typeArg = ++i;
            }
            else
            {
                ctx.SyntaxError();
                return false;
            }
        }
        options = new Options(patternArg, typeArg, (int)Math.Min(count, int.MaxValue));
        return true;
    }

    /// <summary>The reply's cursor and the header of its array of <paramref name="count"/> elements.</summary>
    internal static void WriteReplyHeader(CommandContext ctx, ulong cursor, int count)
    {
        ctx.Reply.WriteArrayHeader(2);
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(cursor, digits, out int written);
        ctx.Reply.WriteBulkString(digits[..written]);
        ctx.Reply.WriteArrayHeader(count);
    }

    private static bool EqualsIgnoreCase(ReadOnlySpan<byte> a, string b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++)
        {
            if ((a[i] | 0x20) != (b[i] | 0x20)) return false;
        }
        return true;
    }

    /// <summary>
    /// parseScanCursorOrReply: strtoul in base 10 over the whole argument. A sign is accepted (a
    /// negative cursor wraps, as in C), a leading blank or an overflow is not, and an empty cursor is 0.
    /// </summary>
    internal static bool TryParseCursor(ReadOnlySpan<byte> s, out ulong cursor)
    {
        cursor = 0;
        // strtoul sees a C string: it ends at the first NUL byte.
        int nul = s.IndexOf((byte)0);
        if (nul >= 0) s = s[..nul];
        if (s.Length == 0) return true;
        if (s[0] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r') return false;
        bool negative = false;
        int i = 0;
        if (s[0] is (byte)'+' or (byte)'-')
        {
            negative = s[0] == '-';
            i = 1;
        }
        if (i == s.Length) return false;
        ulong value = 0;
        for (; i < s.Length; i++)
        {
            uint d = (uint)(s[i] - '0');
            if (d > 9) return false;
            if (value > (ulong.MaxValue - d) / 10) return false;
            value = value * 10 + d;
        }
        cursor = negative ? unchecked(0 - value) : value;
        return true;
    }
}
