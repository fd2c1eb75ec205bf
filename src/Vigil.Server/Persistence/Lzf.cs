namespace Vigil.Server.Persistence;

/// <summary>
/// LZF, the compression of RDB strings (lzf_c.c / lzf_d.c). The format: a control byte below 32
/// starts a literal run of ctrl+1 bytes; otherwise it is a back reference of (ctrl >> 5) + 2 bytes
/// (7 means a length byte follows) at distance ((ctrl &amp; 31) &lt;&lt; 8 | next) + 1.
/// </summary>
public static class Lzf
{
    private const int HashLog = 16;
    private const int MaxLiteral = 32;
    private const int MaxOffset = 1 << 13;
    private const int MaxReference = (1 << 8) + (1 << 3);

    [ThreadStatic]
    private static int[]? _table;

    [ThreadStatic]
    private static int _bias;

    /// <summary>Decompresses into <paramref name="output"/>, which must be exactly the original length.</summary>
    public static bool TryDecompress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int ip = 0, op = 0;
        while (ip < input.Length)
        {
            int ctrl = input[ip++];
            if (ctrl < 32)
            {
                int run = ctrl + 1;
                if (op + run > output.Length || ip + run > input.Length) return false;
                input.Slice(ip, run).CopyTo(output[op..]);
                ip += run;
                op += run;
                continue;
            }
            int length = ctrl >> 5;
            if (length == 7)
            {
                if (ip >= input.Length) return false;
                length += input[ip++];
            }
            if (ip >= input.Length) return false;
            int reference = op - ((ctrl & 0x1f) << 8) - input[ip++] - 1;
            length += 2;
            if (reference < 0 || op + length > output.Length) return false;
            // Byte by byte: the reference may overlap what is being written.
            for (int i = 0; i < length; i++) output[op++] = output[reference++];
        }
        return op == output.Length;
    }

    /// <summary>
    /// Compresses into <paramref name="output"/>; returns the length, or 0 when it would not fit.
    /// The same steps as Redis's lzf_compress (HLOG 16, VERY_FAST), so that DUMP payloads and RDB
    /// files come out byte for byte as Redis writes them.
    /// </summary>
    public static int Compress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int inLength = input.Length, outLength = output.Length;
        if (inLength == 0 || outLength == 0) return 0;
        var table = _table ??= new int[1 << HashLog];
        // Slots hold position + bias; anything below this call's bias was stored by an earlier call
        // and counts as empty, which spares clearing 64 K slots for every short string.
        if (_bias == 0 || _bias > int.MaxValue - inLength - 1)
        {
            Array.Clear(table);
            _bias = 1;
        }
        int bias = _bias;
        _bias += inLength + 1;

        int ip = 0, op = 1, literals = 0;   // op - literals - 1 is the open literal run's control byte
        uint hash = inLength > 1 ? (uint)((input[0] << 8) | input[1]) : 0;
        while (ip < inLength - 2)
        {
            hash = (hash << 8) | input[ip + 2];
            ref int slot = ref table[Index(hash)];
            int reference = slot - bias;
            bool fresh = slot >= bias;
            slot = ip + bias;
            uint offset = (uint)(ip - reference - 1);
            if (fresh && offset < MaxOffset && reference > 0 &&
                input[reference] == input[ip] && input[reference + 1] == input[ip + 1] && input[reference + 2] == input[ip + 2])
            {
                int length = 2;
                int maxLength = Math.Min(inLength - ip - length, MaxReference);
                if (op - literals - 1 >= outLength) return 0;
                output[op - literals - 1] = (byte)(literals - 1);
                if (literals == 0) op--;
                if (op + 3 + 1 >= outLength) return 0;
                length = MatchLength(input, reference, ip, length, maxLength);

                length -= 2;
                ip++;
                if (length < 7)
                {
                    output[op++] = (byte)((offset >> 8) + (uint)(length << 5));
                }
                else
                {
                    output[op++] = (byte)((offset >> 8) + (7 << 5));
                    output[op++] = (byte)(length - 7);
                }
                output[op++] = (byte)offset;
                literals = 0;
                op++;
                ip += length + 1;
                if (ip >= inLength - 2) break;

                // Hash the last two positions of the match, as VERY_FAST does.
                ip -= 2;
                hash = (uint)((input[ip] << 8) | input[ip + 1]);
                hash = (hash << 8) | input[ip + 2];
                table[Index(hash)] = ip + bias;
                ip++;
                hash = (hash << 8) | input[ip + 2];
                table[Index(hash)] = ip + bias;
                ip++;
            }
            else
            {
                if (op >= outLength) return 0;
                AddLiteral(input, output, ref ip, ref op, ref literals);
            }
        }
        if (op + 3 > outLength) return 0;
        while (ip < inLength) AddLiteral(input, output, ref ip, ref op, ref literals);
        output[op - literals - 1] = (byte)(literals - 1);
        if (literals == 0) op--;
        return op;
    }

    /// <summary>Copies one byte into the open literal run; a full run is closed and the next one opened.</summary>
    private static void AddLiteral(ReadOnlySpan<byte> input, Span<byte> output, ref int ip, ref int op, ref int literals)
    {
        literals++;
        output[op++] = input[ip++];
        if (literals < MaxLiteral) return;
        output[op - literals - 1] = (byte)(literals - 1);
        literals = 0;
        op++;
    }

    /// <summary>
    /// lzf_compress's match extension: 16 unchecked steps when far from the limit (which may run
    /// two past it, as in C), then byte by byte up to the limit. Returns the matched length.
    /// </summary>
    private static int MatchLength(ReadOnlySpan<byte> input, int reference, int ip, int length, int maxLength)
    {
        if (maxLength > 16)
        {
            for (int step = 0; step < 16; step++)
            {
                length++;
                if (input[reference + length] != input[ip + length]) return length;
            }
        }
        do length++;
        while (length < maxLength && input[reference + length] == input[ip + length]);
        return length;
    }

    private static int Index(uint hash) => (int)(((hash >> (3 * 8 - HashLog)) - hash * 5) & ((1 << HashLog) - 1));
}
