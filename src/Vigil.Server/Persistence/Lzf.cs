namespace Vigil.Server.Persistence;

/// <summary>
/// LZF, the compression of RDB strings (lzf_c.c / lzf_d.c). The format: a control byte below 32
/// starts a literal run of ctrl+1 bytes; otherwise it is a back reference of (ctrl >> 5) + 2 bytes
/// (7 means a length byte follows) at distance ((ctrl &amp; 31) &lt;&lt; 8 | next) + 1.
/// </summary>
public static class Lzf
{
    private const int HashLog = 14;
    private const int MaxLiteral = 32;
    private const int MaxOffset = 1 << 13;
    private const int MaxReference = (1 << 8) + (1 << 3);

    [ThreadStatic]
    private static int[]? _table;

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

    /// <summary>Compresses into <paramref name="output"/>; returns the length, or 0 when it would not fit.</summary>
    public static int Compress(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.Length < 4) return 0;
        // Short strings use a smaller slice of the table, so clearing it stays cheap.
        int hashBits = Math.Clamp(System.Numerics.BitOperations.Log2((uint)input.Length) + 1, 4, HashLog);
        var table = (_table ??= new int[1 << HashLog]).AsSpan(0, 1 << hashBits);
        table.Clear();
        int ip = 0, op = 0;
        int literalStart = 0;
        while (ip + 2 < input.Length)
        {
            uint triple = (uint)((input[ip] << 16) | (input[ip + 1] << 8) | input[ip + 2]);
            int hash = (int)((triple * 2654435761u) >> (32 - hashBits));
            int candidate = table[hash] - 1;
            table[hash] = ip + 1;
            int offset = ip - candidate - 1;
            if (candidate >= 0 && offset < MaxOffset && input[candidate] == input[ip] &&
                input[candidate + 1] == input[ip + 1] && input[candidate + 2] == input[ip + 2])
            {
                int maxLength = Math.Min(MaxReference, input.Length - ip);
                int length = 3;
                while (length < maxLength && input[candidate + length] == input[ip + length]) length++;
                if (!FlushLiterals(input, literalStart, ip, output, ref op)) return 0;
                int encoded = length - 2;
                if (encoded < 7)
                {
                    if (op + 2 > output.Length) return 0;
                    output[op++] = (byte)((encoded << 5) | (offset >> 8));
                }
                else
                {
                    if (op + 3 > output.Length) return 0;
                    output[op++] = (byte)((7 << 5) | (offset >> 8));
                    output[op++] = (byte)(encoded - 7);
                }
                output[op++] = (byte)offset;
                ip += length;
                literalStart = ip;
                continue;
            }
            ip++;
        }
        if (!FlushLiterals(input, literalStart, input.Length, output, ref op)) return 0;
        return op;
    }

    private static bool FlushLiterals(ReadOnlySpan<byte> input, int start, int end, Span<byte> output, ref int op)
    {
        while (start < end)
        {
            int run = Math.Min(MaxLiteral, end - start);
            if (op + 1 + run > output.Length) return false;
            output[op++] = (byte)(run - 1);
            input.Slice(start, run).CopyTo(output[op..]);
            op += run;
            start += run;
        }
        return true;
    }
}
