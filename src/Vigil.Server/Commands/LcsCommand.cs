namespace Vigil.Server.Commands;

/// <summary>LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN] (lcsCommand in t_string.c).</summary>
internal static class LcsCommand
{
    private const string NotStrings = "ERR The specified keys must contain string values";
    private const string LenAndIdx = "ERR If you want both the length and indexes, please just use IDX.";
    private const string TableTooLarge = "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";
    private const string AllocationFailed = "ERR Insufficient memory, failed allocating transient memory for LCS";
    private const string TooLong = "ERR String too long for LCS";

    public static void Lcs(CommandContext ctx)
    {
        var first = KeyLookup.Read(ctx, ctx.Arg(1));
        var second = KeyLookup.Read(ctx, ctx.Arg(2));
        if ((first != null && first is not byte[]) || (second != null && second is not byte[]))
        {
            ctx.Error(NotStrings);
            return;
        }
        var a = first as byte[] ?? [];
        var b = second as byte[] ?? [];

        bool getLength = false, getIndexes = false, withMatchLength = false;
        long minMatchLength = 0;
        for (int i = 3; i < ctx.ArgCount; i++)
        {
            bool moreArgs = i + 1 < ctx.ArgCount;
            if (ctx.ArgIs(i, "idx"u8)) getIndexes = true;
            else if (ctx.ArgIs(i, "len"u8)) getLength = true;
            else if (ctx.ArgIs(i, "withmatchlen"u8)) withMatchLength = true;
            else if (ctx.ArgIs(i, "minmatchlen"u8) && moreArgs)
            {
                if (!ctx.TryGetInt64(++i, out minMatchLength)) return;
                if (minMatchLength < 0) minMatchLength = 0;
            }
            else
            {
                ctx.SyntaxError();
                return;
            }
        }
        if (getIndexes && getLength)
        {
            ctx.Error(LenAndIdx);
            return;
        }
        if ((uint)a.Length >= uint.MaxValue - 1 || (uint)b.Length >= uint.MaxValue - 1)
        {
            ctx.Error(TooLong);
            return;
        }

        // table[i, j] = length of the LCS of a[..i] and b[..j], stored row by row.
        int columns = b.Length + 1;
        long cells = (long)(a.Length + 1) * columns;
        if (cells * sizeof(uint) > ctx.Server.Config.ProtoMaxBulkLen)
        {
            ctx.Error(TableTooLarge);
            return;
        }
        if (cells > Array.MaxLength)
        {
            ctx.Error(AllocationFailed);
            return;
        }
        var table = new uint[cells];
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                long cell = (long)i * columns + j;
                if (a[i - 1] == b[j - 1]) table[cell] = table[cell - columns - 1] + 1;
                else table[cell] = Math.Max(table[cell - columns], table[cell - 1]);
            }
        }
        uint lcsLength = table[cells - 1];

        if (getLength)
        {
            ctx.Reply.WriteInteger(lcsLength);
            return;
        }
        if (!getIndexes)
        {
            ctx.Reply.WriteBulkString(Backtrack(a, b, table, columns, lcsLength, null));
            return;
        }
        ctx.Reply.WriteMapHeader(2);
        ctx.Reply.WriteBulkString("matches"u8);
        int mark = ctx.Reply.BeginDeferred();
        var ranges = new RangeEmitter(ctx, minMatchLength, withMatchLength);
        Backtrack(a, b, table, columns, lcsLength, ranges);
        ctx.Reply.EndDeferredArray(mark, ranges.Emitted);
        ctx.Reply.WriteBulkString("len"u8);
        ctx.Reply.WriteInteger(lcsLength);
    }

    /// <summary>Writes the matched ranges of IDX as they are found, from the end of the strings backwards.</summary>
    private sealed class RangeEmitter(CommandContext ctx, long minMatchLength, bool withMatchLength)
    {
        public int Emitted { get; private set; }

        public void Emit(long aStart, long aEnd, long bStart, long bEnd)
        {
            long length = aEnd - aStart + 1;
            if (minMatchLength != 0 && length < minMatchLength) return;
            ctx.Reply.WriteArrayHeader(withMatchLength ? 3 : 2);
            ctx.Reply.WriteArrayHeader(2);
            ctx.Reply.WriteInteger(aStart);
            ctx.Reply.WriteInteger(aEnd);
            ctx.Reply.WriteArrayHeader(2);
            ctx.Reply.WriteInteger(bStart);
            ctx.Reply.WriteInteger(bEnd);
            if (withMatchLength) ctx.Reply.WriteInteger(length);
            Emitted++;
        }
    }

    /// <summary>
    /// Walks the table back from the end, building the LCS and, when <paramref name="ranges"/> is
    /// given, emitting each run of consecutive matches as Redis does (preferring to step in the first
    /// string when both directions keep the same LCS length).
    /// </summary>
    private static byte[] Backtrack(byte[] a, byte[] b, uint[] table, int columns, uint lcsLength, RangeEmitter? ranges)
    {
        var result = new byte[lcsLength];
        long idx = lcsLength;
        int i = a.Length, j = b.Length;
        int noRange = a.Length;
        int aStart = noRange, aEnd = 0, bStart = 0, bEnd = 0;
        while (i > 0 && j > 0)
        {
            bool emit = false;
            if (a[i - 1] == b[j - 1])
            {
                result[--idx] = a[i - 1];
                if (aStart == noRange)
                {
                    aStart = aEnd = i - 1;
                    bStart = bEnd = j - 1;
                }
                else if (aStart == i && bStart == j)
                {
                    aStart--;
                    bStart--;
                }
                else
                {
                    emit = true;
                }
                if (aStart == 0 || bStart == 0) emit = true;
                i--;
                j--;
            }
            else
            {
                uint up = table[(long)(i - 1) * columns + j];
                uint left = table[(long)i * columns + j - 1];
                if (up > left) i--;
                else j--;
                if (aStart != noRange) emit = true;
            }
            if (emit)
            {
                ranges?.Emit(aStart, aEnd, bStart, bEnd);
                aStart = noRange;
            }
        }
        return result;
    }
}
