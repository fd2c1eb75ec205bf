using System.Numerics;
using Vigil.Protocol;
using Vigil.Server.PubSub;
using Vigil.Server.Storage;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>
/// Bit operations on strings (bitops.c): SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP; BITFIELD lives in
/// <see cref="BitfieldCommand"/>. Bit 0 is the most significant bit of byte 0. Strings are never
/// changed in place: a write stores a new array (marked "raw", as Redis leaves such strings).
/// </summary>
internal static class BitmapCommands
{
    public const string Group = "bitmap";
    public const string BitOffsetError = "ERR bit offset is not an integer or out of range";
    private const string BitValueError = "ERR bit is not an integer or out of range";

    public static void Register(VigilServer server)
    {
        var t = server.Commands;
        t.Add("setbit", 4, Write | DenyOom, 1, 1, 1, SetBit, Group);
        t.Add("getbit", 3, ReadOnly | Fast, 1, 1, 1, GetBit, Group);
        t.Add("bitcount", -2, ReadOnly, 1, 1, 1, BitCount, Group);
        t.Add("bitpos", -3, ReadOnly, 1, 1, 1, BitPos, Group);
        t.Add("bitop", -4, Write | DenyOom, 2, -1, 1, BitOp, Group);
        BitfieldCommand.Register(server);
    }

    /// <summary>
    /// getBitOffsetFromArgument: a bit offset below proto-max-bulk-len bytes (the master's stream is
    /// exempt); with <paramref name="bits"/> &gt; 0, "#n" means n times the field width (BITFIELD).
    /// </summary>
    public static bool TryGetBitOffset(CommandContext ctx, int arg, int bits, out long offset)
    {
        var text = ctx.Arg(arg);
        bool scaled = bits > 0 && text.Length > 0 && text[0] == '#';
        if (!RedisNumbers.TryParseInt64(scaled ? text[1..] : text, out offset) ||
            (scaled && (offset < 0 || offset > long.MaxValue / bits)))
        {
            ctx.Error(BitOffsetError);
            return false;
        }
        if (scaled) offset *= bits;
        if (offset < 0 || (!ctx.Client.HasFlag(Clients.ClientFlags.Master) && (offset >> 3) >= ctx.Server.Config.ProtoMaxBulkLen))
        {
            ctx.Error(BitOffsetError);
            return false;
        }
        return true;
    }

    /// <summary>The string at <paramref name="key"/> for a bit write (null when missing); false after WRONGTYPE.</summary>
    public static bool TryGetString(CommandContext ctx, object? value, out byte[]? bytes)
    {
        bytes = value as byte[];
        if (value == null || bytes != null) return true;
        ctx.WrongType();
        return false;
    }

    /// <summary>
    /// <paramref name="current"/> (or an empty string) zero-padded to at least <paramref name="length"/>
    /// bytes, as a new array that a write may change (lookupStringForBitCommand, minus the sharing).
    /// </summary>
    public static byte[] WritableCopy(byte[]? current, long length)
    {
        current ??= [];
        var copy = new byte[Math.Max(current.Length, length)];
        current.CopyTo(copy, 0);
        return copy;
    }

    /// <summary>
    /// Stores the result of a bit write: a new key takes no TTL, an existing one keeps its TTL. The
    /// string is "raw" from now on, as dbUnshareStringValue leaves it in Redis.
    /// </summary>
    public static void Store(CommandContext ctx, ReadOnlySpan<byte> key, byte[] result, bool created)
    {
        StringEncodingMarks.MarkRaw(result);
        if (created) ctx.Db.Set(key, result);
        else ctx.Db.Overwrite(key, result);
    }

    private static void SetBit(CommandContext ctx)
    {
        if (!TryGetBitOffset(ctx, 2, 0, out long offset)) return;
        if (!RedisNumbers.TryParseInt64(ctx.Arg(3), out long on) || (on & ~1L) != 0)
        {
            ctx.Error(BitValueError);
            return;
        }
        var key = ctx.Arg(1);
        if (!TryGetString(ctx, ctx.Db.Get(key), out var current)) return;
        long byteIndex = offset >> 3;
        int shift = 7 - (int)(offset & 7);
        int old = current != null && byteIndex < current.Length ? (current[byteIndex] >> shift) & 1 : 0;
        ctx.Reply.WriteInteger(old);
        bool created = current == null;
        if (!created && old == on && byteIndex < current!.Length)
        {
            // Nothing changes, but Redis still unshares the string, which makes it "raw".
            StringEncodingMarks.MarkRaw(ctx.Db.Unshare(key, current));
            return;
        }
        var result = WritableCopy(current, byteIndex + 1);
        result[byteIndex] = (byte)((result[byteIndex] & ~(1 << shift)) | ((int)on << shift));
        Store(ctx, key, result, created);
        // Growing the string alone is not a change Redis signals or propagates.
        if (!created && old == on) return;
        ctx.Notify(KeyspaceEventType.String, "setbit", key);
        ctx.MarkDirty();
    }

    private static void GetBit(CommandContext ctx)
    {
        if (!TryGetBitOffset(ctx, 2, 0, out long offset)) return;
        if (!TryGetString(ctx, KeyLookup.Read(ctx, ctx.Arg(1)), out var bytes)) return;
        long byteIndex = offset >> 3;
        int bit = bytes != null && byteIndex < bytes.Length ? (bytes[byteIndex] >> (7 - (int)(offset & 7))) & 1 : 0;
        ctx.Reply.WriteInteger(bit);
    }

    /// <summary>
    /// The start and end arguments from <paramref name="startArg"/>, as bit positions: negative
    /// indexes count from the end, BIT or BYTE units (bytes by default), clamped to the string.
    /// Empty when <paramref name="first"/> &gt; <paramref name="last"/>.
    /// </summary>
    private static bool TryGetBitRange(CommandContext ctx, long length, int startArg, bool endGiven, int unitArg,
        out long first, out long last)
    {
        first = last = 0;
        if (!ctx.TryGetInt64(startArg, out long start)) return false;
        bool bitUnits = false;
        if (unitArg > 0)
        {
            if (ctx.ArgIs(unitArg, "bit"u8)) bitUnits = true;
            else if (!ctx.ArgIs(unitArg, "byte"u8))
            {
                ctx.SyntaxError();
                return false;
            }
        }
        long end;
        if (endGiven)
        {
            if (!ctx.TryGetInt64(startArg + 1, out end)) return false;
        }
        else
        {
            end = bitUnits ? length * 8 + 7 : length - 1;
        }
        long total = bitUnits ? length * 8 : length;
        if (start < 0) start += total;
        if (end < 0) end += total;
        if (start < 0) start = 0;
        if (end < 0) end = 0;
        if (end >= total) end = total - 1;
        first = bitUnits ? start : start * 8;
        last = bitUnits ? end : end * 8 + 7;
        if (start > end) (first, last) = (0, -1);
        return true;
    }

    private static void BitCount(CommandContext ctx)
    {
        if (!TryGetString(ctx, KeyLookup.Read(ctx, ctx.Arg(1)), out var bytes)) return;
        if (bytes == null)
        {
            ctx.Reply.WriteInteger(0);
            return;
        }
        long first = 0, last = bytes.Length * 8L - 1;
        if (ctx.ArgCount is 4 or 5)
        {
            // bitcountCommand checks two negative indexes in the wrong order before the unit.
            if (!ctx.TryGetInt64(2, out long start) || !ctx.TryGetInt64(3, out long end)) return;
            if (start < 0 && end < 0 && start > end)
            {
                ctx.Reply.WriteInteger(0);
                return;
            }
            if (!TryGetBitRange(ctx, bytes.Length, 2, endGiven: true, ctx.ArgCount == 5 ? 4 : 0, out first, out last)) return;
        }
        else if (ctx.ArgCount != 2)
        {
            ctx.SyntaxError();
            return;
        }
        ctx.Reply.WriteInteger(CountOnes(bytes, first, last));
    }

    /// <summary>The set bits between bit positions <paramref name="first"/> and <paramref name="last"/> inclusive.</summary>
    private static long CountOnes(byte[] bytes, long first, long last)
    {
        if (first > last) return 0;
        long firstByte = first >> 3, lastByte = last >> 3;
        // Whole bytes, then take away the bits of the edge bytes that lie outside the range.
        long count = 0;
        var span = bytes.AsSpan((int)firstByte, (int)(lastByte - firstByte + 1));
        while (span.Length >= 8)
        {
            count += BitOperations.PopCount(BitConverter.ToUInt64(span));
            span = span[8..];
        }
        foreach (byte b in span) count += BitOperations.PopCount(b);
        count -= BitOperations.PopCount((uint)(bytes[firstByte] & ~(0xFF >> (int)(first & 7)) & 0xFF));
        count -= BitOperations.PopCount((uint)(bytes[lastByte] & ((1 << (7 - (int)(last & 7))) - 1)));
        return count;
    }

    private static void BitPos(CommandContext ctx)
    {
        if (!ctx.TryGetInt64(2, out long bit)) return;
        if (bit is not (0 or 1))
        {
            ctx.Error("ERR The bit argument must be 1 or 0.");
            return;
        }
        var value = KeyLookup.Read(ctx, ctx.Arg(1));
        if (value == null)
        {
            // A missing key is an endless run of zeros.
            ctx.Reply.WriteInteger(bit == 1 ? -1 : 0);
            return;
        }
        if (!TryGetString(ctx, value, out var bytes)) return;
        long first = 0, last = bytes!.Length * 8L - 1;
        bool endGiven = ctx.ArgCount >= 5;
        if (ctx.ArgCount is >= 4 and <= 6)
        {
            if (!TryGetBitRange(ctx, bytes.Length, 3, endGiven, ctx.ArgCount == 6 ? 5 : 0, out first, out last)) return;
        }
        else if (ctx.ArgCount != 3)
        {
            ctx.SyntaxError();
            return;
        }
        if (first > last)
        {
            ctx.Reply.WriteInteger(-1);
            return;
        }
        long found = FindBit(bytes, first, last, (int)bit);
        // Past the end of an open range a string is taken as padded with zeros.
        if (found < 0 && bit == 0 && !endGiven) found = last + 1;
        ctx.Reply.WriteInteger(found);
    }

    /// <summary>The position of the first bit equal to <paramref name="bit"/> from <paramref name="first"/> to <paramref name="last"/>, or -1.</summary>
    private static long FindBit(byte[] bytes, long first, long last, int bit)
    {
        byte skip = bit == 1 ? (byte)0x00 : (byte)0xFF;
        long position = first;
        while (position <= last)
        {
            long index = position >> 3;
            if ((position & 7) == 0 && position + 7 <= last)
            {
                // A whole byte: skip runs of bytes without the bit.
                int from = (int)index, to = (int)(last >> 3) - ((last & 7) == 7 ? 0 : 1);
                int offset = bytes.AsSpan(from, to - from + 1).IndexOfAnyExcept(skip);
                if (offset < 0)
                {
                    position = (long)(to + 1) * 8;
                    continue;
                }
                index = from + offset;
                position = index * 8;
            }
            if (((bytes[index] >> (7 - (int)(position & 7))) & 1) == bit) return position;
            position++;
        }
        return -1;
    }

    private static void BitOp(CommandContext ctx)
    {
        var operation = ctx.Arg(1);
        char op;
        if (RedisNumbers.EqualsIgnoreCase(operation, "and"u8)) op = '&';
        else if (RedisNumbers.EqualsIgnoreCase(operation, "or"u8)) op = '|';
        else if (RedisNumbers.EqualsIgnoreCase(operation, "xor"u8)) op = '^';
        else if (RedisNumbers.EqualsIgnoreCase(operation, "not"u8)) op = '~';
        else
        {
            ctx.SyntaxError();
            return;
        }
        if (op == '~' && ctx.ArgCount != 4)
        {
            ctx.Error("ERR BITOP NOT must be called with a single source key.");
            return;
        }
        var sources = new byte[ctx.ArgCount - 3][];
        int longest = 0;
        for (int i = 0; i < sources.Length; i++)
        {
            if (!TryGetString(ctx, KeyLookup.Read(ctx, ctx.Arg(i + 3)), out var bytes)) return;
            sources[i] = bytes ?? [];
            longest = Math.Max(longest, sources[i].Length);
        }
        var destination = ctx.Arg(2);
        if (longest == 0)
        {
            if (ctx.Db.Delete(destination))
            {
                ctx.Notify(KeyspaceEventType.Generic, "del", destination);
                ctx.MarkDirty();
            }
            ctx.Reply.WriteInteger(0);
            return;
        }
        var result = new byte[longest];
        // Missing bytes of shorter strings count as zeros.
        sources[0].CopyTo(result, 0);
        for (int s = 1; s < sources.Length; s++)
        {
            var source = sources[s];
            for (int i = 0; i < longest; i++)
            {
                byte b = i < source.Length ? source[i] : (byte)0;
                result[i] = op switch
                {
                    '&' => (byte)(result[i] & b),
                    '|' => (byte)(result[i] | b),
                    _ => (byte)(result[i] ^ b),
                };
            }
        }
        if (op == '~')
        {
            for (int i = 0; i < longest; i++) result[i] = (byte)~result[i];
        }
        StringEncodingMarks.MarkRaw(result);
        ctx.Db.Set(destination, result);
        ctx.Notify(KeyspaceEventType.String, "set", destination);
        ctx.MarkDirty();
        ctx.Reply.WriteInteger(longest);
    }
}
