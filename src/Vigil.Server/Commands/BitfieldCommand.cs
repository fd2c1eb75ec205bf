using Vigil.Protocol;
using Vigil.Server.PubSub;
using Vigil.Server.Storage;
using static Vigil.Server.Commands.CommandFlags;

namespace Vigil.Server.Commands;

/// <summary>
/// BITFIELD and BITFIELD_RO (bitfieldGeneric): GET, SET and INCRBY on signed fields of 1 to 64 bits
/// and unsigned ones of 1 to 63, at bit offsets or "#n" field offsets, with OVERFLOW WRAP, SAT or FAIL
/// applying to the operations after it.
/// </summary>
internal static class BitfieldCommand
{
    private const string TypeError = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

    private enum Opcode
    {
        Get,
        Set,
        IncrBy,
    }

    private enum Overflow
    {
        Wrap,
        Sat,
        Fail,
    }

    private readonly record struct Operation(Opcode Opcode, bool Signed, int Bits, long Offset, long Value, Overflow Overflow);

    public static void Register(VigilServer server)
    {
        var t = server.Commands;
        t.Add("bitfield", -2, Write | DenyOom, 1, 1, 1, ctx => Bitfield(ctx, readOnlyCommand: false), BitmapCommands.Group);
        t.Add("bitfield_ro", -2, ReadOnly | Fast, 1, 1, 1, ctx => Bitfield(ctx, readOnlyCommand: true), BitmapCommands.Group);
    }

    private static void Bitfield(CommandContext ctx, bool readOnlyCommand)
    {
        if (!TryParse(ctx, out var operations, out long highestWrittenBit)) return;
        var key = ctx.Arg(1);
        if (highestWrittenBit < 0)
        {
            if (!BitmapCommands.TryGetString(ctx, KeyLookup.Read(ctx, key), out var readable)) return;
            ctx.Reply.WriteArrayHeader(operations.Count);
            foreach (var op in operations) WriteField(ctx, op, Get(readable ?? [], op.Offset, op.Bits));
            return;
        }
        if (readOnlyCommand)
        {
            ctx.Error("ERR BITFIELD_RO only supports the GET subcommand");
            return;
        }
        if (!BitmapCommands.TryGetString(ctx, ctx.Db.Get(key), out var current)) return;
        bool created = current == null;
        var bytes = BitmapCommands.WritableCopy(current, (highestWrittenBit >> 3) + 1);
        long changes = 0;
        ctx.Reply.WriteArrayHeader(operations.Count);
        foreach (var op in operations)
        {
            ulong old = Get(bytes, op.Offset, op.Bits);
            if (op.Opcode == Opcode.Get)
            {
                WriteField(ctx, op, old);
                continue;
            }
            ulong written;
            bool overflow;
            long reply;
            if (op.Signed)
            {
                long oldValue = SignExtend(old, op.Bits);
                long start = op.Opcode == Opcode.IncrBy ? oldValue : op.Value;
                long increment = op.Opcode == Opcode.IncrBy ? op.Value : 0;
                overflow = SignedOverflows(start, increment, op.Bits, op.Overflow, out long limited);
                long newValue = overflow ? limited : unchecked(start + increment);
                written = (ulong)newValue;
                reply = op.Opcode == Opcode.IncrBy ? newValue : oldValue;
            }
            else
            {
                ulong start = op.Opcode == Opcode.IncrBy ? old : (ulong)op.Value;
                long increment = op.Opcode == Opcode.IncrBy ? op.Value : 0;
                overflow = UnsignedOverflows(start, increment, op.Bits, op.Overflow, out ulong limited);
                ulong newValue = overflow ? limited : unchecked(start + (ulong)increment);
                written = newValue;
                reply = op.Opcode == Opcode.IncrBy ? (long)newValue : (long)old;
            }
            if (overflow && op.Overflow == Overflow.Fail)
            {
                ctx.Reply.WriteNull();
                continue;
            }
            ctx.Reply.WriteInteger(reply);
            Set(bytes, op.Offset, op.Bits, written);
            if (created || Get(bytes, op.Offset, op.Bits) != old) changes++;
        }
        // Redis creates or grows the string even when nothing is written into it (a failed INCRBY).
        if (created || changes > 0 || bytes.Length != current!.Length) BitmapCommands.Store(ctx, key, bytes, created);
        else StringEncodingMarks.MarkRaw(ctx.Db.Unshare(key, current!));
        if (changes == 0) return;
        ctx.Notify(KeyspaceEventType.String, "setbit", key);
        ctx.MarkDirty(changes);
    }

    /// <summary>Every subcommand, checked before anything runs. <paramref name="highestWrittenBit"/> is -1 when all are GETs.</summary>
    private static bool TryParse(CommandContext ctx, out List<Operation> operations, out long highestWrittenBit)
    {
        operations = new List<Operation>();
        highestWrittenBit = -1;
        var overflow = Overflow.Wrap;
        for (int j = 2; j < ctx.ArgCount; j++)
        {
            int remaining = ctx.ArgCount - j - 1;
            Opcode opcode;
            if (ctx.ArgIs(j, "get"u8) && remaining >= 2) opcode = Opcode.Get;
            else if (ctx.ArgIs(j, "set"u8) && remaining >= 3) opcode = Opcode.Set;
            else if (ctx.ArgIs(j, "incrby"u8) && remaining >= 3) opcode = Opcode.IncrBy;
            else if (ctx.ArgIs(j, "overflow"u8) && remaining >= 1)
            {
                j++;
                if (ctx.ArgIs(j, "wrap"u8)) overflow = Overflow.Wrap;
                else if (ctx.ArgIs(j, "sat"u8)) overflow = Overflow.Sat;
                else if (ctx.ArgIs(j, "fail"u8)) overflow = Overflow.Fail;
                else
                {
                    ctx.Error("ERR Invalid OVERFLOW type specified");
                    return false;
                }
                continue;
            }
            else
            {
                ctx.SyntaxError();
                return false;
            }
            if (!TryGetType(ctx, j + 1, out bool signed, out int bits)) return false;
            if (!BitmapCommands.TryGetBitOffset(ctx, j + 2, bits, out long offset)) return false;
            long value = 0;
            if (opcode != Opcode.Get)
            {
                if (!ctx.TryGetInt64(j + 3, out value)) return false;
                highestWrittenBit = Math.Max(highestWrittenBit, offset + bits - 1);
            }
            operations.Add(new Operation(opcode, signed, bits, offset, value, overflow));
            j += opcode == Opcode.Get ? 2 : 3;
        }
        return true;
    }

    /// <summary>getBitfieldTypeFromArgument: "i" or "u" (lower case) and a width, up to 64 signed or 63 unsigned bits.</summary>
    private static bool TryGetType(CommandContext ctx, int arg, out bool signed, out int bits)
    {
        var text = ctx.Arg(arg);
        signed = text.Length > 0 && text[0] == 'i';
        bits = 0;
        // The width is read as a C string: it ends at a NUL byte.
        var width = text.Length > 0 ? text[1..] : text;
        int nul = width.IndexOf((byte)0);
        if (nul >= 0) width = width[..nul];
        if (text.Length == 0 || (text[0] != 'i' && text[0] != 'u') || !RedisNumbers.TryParseInt64(width, out long n) ||
            n < 1 || n > (signed ? 64 : 63))
        {
            ctx.Error(TypeError);
            return false;
        }
        bits = (int)n;
        return true;
    }

    private static void WriteField(CommandContext ctx, in Operation op, ulong raw) => ctx.Reply.WriteInteger(op.Signed ? SignExtend(raw, op.Bits) : (long)raw);

    /// <summary>The field's bits as an unsigned number; bytes past the end of the string read as zeros.</summary>
    private static ulong Get(ReadOnlySpan<byte> bytes, long offset, int bits)
    {
        ulong value = 0;
        for (int j = 0; j < bits; j++, offset++)
        {
            long index = offset >> 3;
            int bit = index < bytes.Length ? (bytes[(int)index] >> (7 - (int)(offset & 7))) & 1 : 0;
            value = value << 1 | (uint)bit;
        }
        return value;
    }

    private static void Set(byte[] bytes, long offset, int bits, ulong value)
    {
        for (int j = 0; j < bits; j++, offset++)
        {
            int bit = (int)(value >> (bits - 1 - j)) & 1;
            int shift = 7 - (int)(offset & 7);
            ref byte b = ref bytes[offset >> 3];
            b = (byte)((b & ~(1 << shift)) | (bit << shift));
        }
    }

    /// <summary>A <paramref name="bits"/>-wide two's complement field as a 64-bit number.</summary>
    private static long SignExtend(ulong raw, int bits)
    {
        if (bits < 64 && (raw & (1UL << (bits - 1))) != 0) raw |= ulong.MaxValue << bits;
        return (long)raw;
    }

    /// <summary>checkUnsignedBitfieldOverflow: whether value + increment leaves 0..2^bits-1, and the wrapped or saturated result.</summary>
    private static bool UnsignedOverflows(ulong value, long increment, int bits, Overflow mode, out ulong limited)
    {
        unchecked
        {
            ulong max = (1UL << bits) - 1;
            long maxIncrement = (long)(max - value);
            long minIncrement = -(long)value;
            limited = 0;
            bool above = value > max || (increment > 0 && increment > maxIncrement);
            bool below = !above && increment < 0 && increment < minIncrement;
            if (!above && !below) return false;
            limited = mode == Overflow.Wrap ? (value + (ulong)increment) & ~(ulong.MaxValue << bits) : above ? max : 0;
            return true;
        }
    }

    /// <summary>checkSignedBitfieldOverflow: whether value + increment leaves the field's range, and the wrapped or saturated result.</summary>
    private static bool SignedOverflows(long value, long increment, int bits, Overflow mode, out long limited)
    {
        unchecked
        {
            long max = bits == 64 ? long.MaxValue : (1L << (bits - 1)) - 1;
            long min = -max - 1;
            long maxIncrement = (long)((ulong)max - (ulong)value);
            long minIncrement = min - value;
            limited = 0;
            bool above = value > max || (bits != 64 && increment > maxIncrement) || (value >= 0 && increment > 0 && increment > maxIncrement);
            bool below = !above && (value < min || (bits != 64 && increment < minIncrement) || (value < 0 && increment < 0 && increment < minIncrement));
            if (!above && !below) return false;
            if (mode != Overflow.Wrap)
            {
                limited = above ? max : min;
                return true;
            }
            ulong sum = (ulong)value + (ulong)increment;
            if (bits < 64)
            {
                ulong mask = ulong.MaxValue << bits;
                sum = (sum & (1UL << (bits - 1))) != 0 ? sum | mask : sum & ~mask;
            }
            limited = (long)sum;
            return true;
        }
    }
}
