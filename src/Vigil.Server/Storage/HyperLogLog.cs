using System.Buffers.Binary;

namespace Vigil.Server.Storage;

/// <summary>
/// A HyperLogLog as Redis 7.0 stores it in a string (hyperloglog.c), byte for byte: a 16-byte header
/// ("HYLL", the encoding, 3 unused bytes, the cached cardinality, little-endian, its top bit set when
/// stale), then 16384 six-bit registers, either dense (12288 bytes) or sparse (ZERO, XZERO and VAL
/// run-length opcodes). Elements hash with MurmurHash64A (seed 0xadc83b19); the count is Ertl's
/// estimator over the register histogram, so the numbers are Redis's own.
/// A <see cref="HyperLogLog"/> is a working copy: strings are never changed in place.
/// </summary>
public sealed class HyperLogLog
{
    public const int HeaderSize = 16;
    public const int Registers = 1 << P;
    public const int DenseSize = HeaderSize + (Registers * RegisterBits + 7) / 8;
    public const string InvalidError = "INVALIDOBJ Corrupted HLL object detected";
    public const string NotHllError = "WRONGTYPE Key is not a valid HyperLogLog string value.";

    private const int P = 14;
    private const int Q = 64 - P;
    private const int RegisterBits = 6;
    private const int RegisterMax = (1 << RegisterBits) - 1;
    private const byte Dense = 0;
    private const byte Sparse = 1;
    private const int SparseValMaxValue = 32;
    private const int SparseValMaxLength = 4;
    private const int SparseZeroMaxLength = 64;
    private const int SparseXZeroMaxLength = 16384;
    private const double AlphaInf = 0.721347520444481703680;

    private byte[] _data;
    private int _length;

    private HyperLogLog(byte[] data, int length)
    {
        _data = data;
        _length = length;
    }

    public bool IsSparse => _data[4] == Sparse;

    public static bool IsDense(ReadOnlySpan<byte> value) => value[4] == Dense;

    /// <summary>An empty HLL: sparse, one XZERO run over every register (createHLLObject).</summary>
    public static HyperLogLog CreateEmpty()
    {
        var hll = new HyperLogLog(new byte[HeaderSize + 2 + 3], HeaderSize + 2);
        "HYLL"u8.CopyTo(hll._data);
        hll._data[4] = Sparse;
        SetXZero(hll._data.AsSpan(HeaderSize), Registers);
        return hll;
    }

    /// <summary>A writable copy of a string that passed <see cref="IsValid"/>.</summary>
    public static HyperLogLog CopyOf(byte[] value)
    {
        // Room for the longest split (XZERO into XZERO VAL XZERO), as sdsMakeRoomFor(3).
        var data = new byte[value.Length + 3];
        value.CopyTo(data, 0);
        return new HyperLogLog(data, value.Length);
    }

    /// <summary>isHLLObjectOrReply: the magic, a known encoding, and the exact size of a dense HLL.</summary>
    public static bool IsValid(ReadOnlySpan<byte> value) =>
        value.Length >= HeaderSize && value[..4].SequenceEqual("HYLL"u8) && value[4] <= Sparse &&
        (value[4] != Dense || value.Length == DenseSize);

    public byte[] ToArray() => _data.AsSpan(0, _length).ToArray();

    /// <summary>The cached cardinality, when it is not stale (HLL_VALID_CACHE).</summary>
    public static bool TryGetCachedCount(ReadOnlySpan<byte> value, out long count)
    {
        count = (long)BinaryPrimitives.ReadUInt64LittleEndian(value[8..]);
        return (value[15] & 0x80) == 0;
    }

    public void SetCachedCount(long count) => BinaryPrimitives.WriteUInt64LittleEndian(_data.AsSpan(8), (ulong)count);

    public void InvalidateCache() => _data[15] |= 0x80;

    /// <summary>hllAdd: 1 when a register grew, 0 when not, -1 for a corrupt sparse HLL.</summary>
    public int Add(ReadOnlySpan<byte> element, long sparseMaxBytes)
    {
        int count = PatternLength(element, out int index);
        return Set(index, count, sparseMaxBytes);
    }

    /// <summary>Raises register <paramref name="index"/> to <paramref name="count"/> if it is lower (hllDenseSet / hllSparseSet).</summary>
    public int Set(int index, int count, long sparseMaxBytes)
    {
        if (!IsSparse) return DenseSet(_data.AsSpan(HeaderSize), index, count);
        return SparseSet(index, count, sparseMaxBytes);
    }

    /// <summary>hllPatLen: the register an element falls in, and the length of its hash's 000..1 pattern.</summary>
    public static int PatternLength(ReadOnlySpan<byte> element, out int index)
    {
        ulong hash = MurmurHash64A(element, 0xadc83b19);
        index = (int)(hash & (Registers - 1));
        hash >>= P;
        hash |= 1UL << Q;
        return System.Numerics.BitOperations.TrailingZeroCount(hash) + 1;
    }

    /// <summary>MurmurHash2, 64-bit version, as Redis has it (little-endian reads whatever the machine).</summary>
    public static ulong MurmurHash64A(ReadOnlySpan<byte> key, uint seed)
    {
        const ulong m = 0xc6a4a7935bd1e995;
        const int r = 47;
        unchecked
        {
            ulong h = seed ^ ((ulong)key.Length * m);
            int blocks = key.Length & ~7;
            for (int i = 0; i < blocks; i += 8)
            {
                ulong k = BinaryPrimitives.ReadUInt64LittleEndian(key[i..]);
                k *= m;
                k ^= k >> r;
                k *= m;
                h ^= k;
                h *= m;
            }
            int rest = key.Length & 7;
            if (rest > 0)
            {
                for (int i = rest - 1; i >= 0; i--) h ^= (ulong)key[blocks + i] << (8 * i);
                h *= m;
            }
            h ^= h >> r;
            h *= m;
            h ^= h >> r;
            return h;
        }
    }

    private static int DenseGet(ReadOnlySpan<byte> registers, int index)
    {
        int bytePos = index * RegisterBits / 8;
        int fb = index * RegisterBits & 7;
        int b0 = registers[bytePos];
        int b1 = bytePos + 1 < registers.Length ? registers[bytePos + 1] : 0;
        return ((b0 >> fb) | (b1 << (8 - fb))) & RegisterMax;
    }

    private static void DenseSetRegister(Span<byte> registers, int index, int value)
    {
        int bytePos = index * RegisterBits / 8;
        int fb = index * RegisterBits & 7;
        int fb8 = 8 - fb;
        registers[bytePos] = (byte)((registers[bytePos] & ~(RegisterMax << fb)) | (value << fb));
        // The last register's high bits would land on the string's terminator: nothing to keep there.
        if (bytePos + 1 < registers.Length)
            registers[bytePos + 1] = (byte)((registers[bytePos + 1] & ~(RegisterMax >> fb8)) | (value >> fb8));
    }

    private static int DenseSet(Span<byte> registers, int index, int count)
    {
        if (count <= DenseGet(registers, index)) return 0;
        DenseSetRegister(registers, index, count);
        return 1;
    }

    private static bool IsZero(byte op) => (op & 0xC0) == 0;

    private static bool IsXZero(byte op) => (op & 0xC0) == 0x40;

    private static bool IsVal(byte op) => (op & 0x80) != 0;

    private static int ZeroLength(byte op) => (op & 0x3F) + 1;

    private static int XZeroLength(ReadOnlySpan<byte> p) => (((p[0] & 0x3F) << 8) | p[1]) + 1;

    private static int ValValue(byte op) => ((op >> 2) & 0x1F) + 1;

    private static int ValLength(byte op) => (op & 0x3) + 1;

    private static byte Val(int value, int length) => (byte)(((value - 1) << 2) | (length - 1) | 0x80);

    private static void SetXZero(Span<byte> p, int length)
    {
        p[0] = (byte)(((length - 1) >> 8) | 0x40);
        p[1] = (byte)((length - 1) & 0xFF);
    }

    /// <summary>hllSparseSet, opcode for opcode: splits the run holding the register, then merges equal neighbours.</summary>
    private int SparseSet(int index, int count, long sparseMaxBytes)
    {
        if (count > SparseValMaxValue) return Promote(index, count);
        EnsureRoom(3);
        var data = _data;
        int sparse = HeaderSize, end = _length;
        int p = sparse, first = 0, span = 0, prev = -1;
        while (p < end)
        {
            int opLength = 1;
            if (IsZero(data[p])) span = ZeroLength(data[p]);
            else if (IsVal(data[p])) span = ValLength(data[p]);
            else
            {
                if (p + 1 >= end) return -1;
                span = XZeroLength(data.AsSpan(p));
                opLength = 2;
            }
            if (index <= first + span - 1) break;
            prev = p;
            p += opLength;
            first += span;
        }
        if (span == 0 || p >= end) return -1;
        int next = IsXZero(data[p]) ? p + 2 : p + 1;
        if (next >= end) next = -1;
        bool isZero = false, isXZero = false, isVal = false;
        int runLength;
        if (IsZero(data[p]))
        {
            isZero = true;
            runLength = ZeroLength(data[p]);
        }
        else if (IsXZero(data[p]))
        {
            isXZero = true;
            runLength = XZeroLength(data.AsSpan(p));
        }
        else
        {
            isVal = true;
            runLength = ValLength(data[p]);
        }

        bool updatedInPlace = false;
        if (isVal)
        {
            if (ValValue(data[p]) >= count) return 0;
            if (runLength == 1)
            {
                data[p] = Val(count, 1);
                updatedInPlace = true;
            }
        }
        if (!updatedInPlace && isZero && runLength == 1)
        {
            data[p] = Val(count, 1);
            updatedInPlace = true;
        }
        if (!updatedInPlace)
        {
            Span<byte> seq = stackalloc byte[5];
            int n = 0;
            int last = first + span - 1;
            if (isZero || isXZero)
            {
                if (index != first) n += WriteZeros(seq[n..], index - first);
                seq[n++] = Val(count, 1);
                if (index != last) n += WriteZeros(seq[n..], last - index);
            }
            else
            {
                int current = ValValue(data[p]);
                if (index != first) seq[n++] = Val(current, index - first);
                seq[n++] = Val(count, 1);
                if (index != last) seq[n++] = Val(current, last - index);
            }
            int oldLength = isXZero ? 2 : 1;
            int delta = n - oldLength;
            if (delta > 0 && _length + delta > sparseMaxBytes) return Promote(index, count);
            if (delta != 0 && next >= 0) data.AsSpan(next, end - next).CopyTo(data.AsSpan(next + delta));
            _length += delta;
            seq[..n].CopyTo(data.AsSpan(p));
            end += delta;
        }

        // Merge adjacent VAL opcodes of equal value, scanning up to 5 opcodes from the previous one.
        p = prev >= 0 ? prev : sparse;
        int scan = 5;
        while (p < end && scan-- > 0)
        {
            if (IsXZero(data[p]))
            {
                p += 2;
                continue;
            }
            if (IsZero(data[p]))
            {
                p++;
                continue;
            }
            if (p + 1 < end && IsVal(data[p + 1]))
            {
                int v1 = ValValue(data[p]), v2 = ValValue(data[p + 1]);
                if (v1 == v2)
                {
                    int length = ValLength(data[p]) + ValLength(data[p + 1]);
                    if (length <= SparseValMaxLength)
                    {
                        data[p + 1] = Val(v1, length);
                        data.AsSpan(p + 1, end - p - 1).CopyTo(data.AsSpan(p));
                        _length--;
                        end--;
                        continue;
                    }
                }
            }
            p++;
        }
        InvalidateCache();
        return 1;
    }

    private static int WriteZeros(Span<byte> to, int length)
    {
        if (length > SparseZeroMaxLength)
        {
            SetXZero(to, length);
            return 2;
        }
        to[0] = (byte)(length - 1);
        return 1;
    }

    private void EnsureRoom(int extra)
    {
        if (_length + extra <= _data.Length) return;
        Array.Resize(ref _data, Math.Max(_length + extra, _data.Length * 2));
    }

    private int Promote(int index, int count)
    {
        if (!ToDense()) return -1;
        // A register needs raising, or the sparse form would not have been left.
        return DenseSet(_data.AsSpan(HeaderSize), index, count);
    }

    /// <summary>hllSparseToDense: false when the sparse opcodes do not cover exactly 16384 registers.</summary>
    public bool ToDense()
    {
        if (!IsSparse) return true;
        var dense = new byte[DenseSize];
        _data.AsSpan(0, HeaderSize).CopyTo(dense);
        dense[4] = Dense;
        var registers = dense.AsSpan(HeaderSize);
        int index = 0;
        for (int p = HeaderSize; p < _length;)
        {
            byte op = _data[p];
            if (IsZero(op))
            {
                index += ZeroLength(op);
                p++;
            }
            else if (IsXZero(op))
            {
                if (p + 1 >= _length) return false;
                index += XZeroLength(_data.AsSpan(p));
                p += 2;
            }
            else
            {
                int runLength = ValLength(op), value = ValValue(op);
                // A run past the last register makes the HLL corrupt, as in Debian's redis-server 7.0.15 (the CVE-2025-32023 fix).
                if (runLength + index > Registers) return false;
                while (runLength-- > 0) DenseSetRegister(registers, index++, value);
                p++;
            }
        }
        if (index != Registers) return false;
        _data = dense;
        _length = DenseSize;
        return true;
    }

    /// <summary>
    /// hllMerge: raises each of <paramref name="max"/>'s 16384 registers to this HLL's; false for a
    /// corrupt sparse HLL.
    /// </summary>
    public static bool MergeInto(Span<byte> max, ReadOnlySpan<byte> value)
    {
        var registers = value[HeaderSize..];
        if (value[4] == Dense)
        {
            for (int i = 0; i < Registers; i++)
            {
                int v = DenseGet(registers, i);
                if (v > max[i]) max[i] = (byte)v;
            }
            return true;
        }
        int index = 0;
        for (int p = 0; p < registers.Length;)
        {
            byte op = registers[p];
            if (IsZero(op))
            {
                index += ZeroLength(op);
                p++;
            }
            else if (IsXZero(op))
            {
                if (p + 1 >= registers.Length) return false;
                index += XZeroLength(registers[p..]);
                p += 2;
            }
            else
            {
                int runLength = ValLength(op), v = ValValue(op);
                // A run past the last register makes the HLL corrupt, as in Debian's redis-server 7.0.15 (the CVE-2025-32023 fix).
                if (runLength + index > Registers) return false;
                while (runLength-- > 0)
                {
                    if (v > max[index]) max[index] = (byte)v;
                    index++;
                }
                p++;
            }
        }
        return index == Registers;
    }

    /// <summary>hllCount of a stored HLL; false for a corrupt sparse one.</summary>
    public static bool TryCount(ReadOnlySpan<byte> value, out long count)
    {
        Span<int> histogram = stackalloc int[64];
        var registers = value[HeaderSize..];
        bool valid = true;
        if (value[4] == Dense)
        {
            for (int i = 0; i < Registers; i++) histogram[DenseGet(registers, i)]++;
        }
        else
        {
            int index = 0;
            for (int p = 0; p < registers.Length;)
            {
                byte op = registers[p];
                int runLength;
                if (IsZero(op))
                {
                    runLength = ZeroLength(op);
                    histogram[0] += runLength;
                    p++;
                }
                else if (IsXZero(op))
                {
                    if (p + 1 >= registers.Length)
                    {
                        valid = false;
                        break;
                    }
                    runLength = XZeroLength(registers[p..]);
                    histogram[0] += runLength;
                    p += 2;
                }
                else
                {
                    runLength = ValLength(op);
                    histogram[ValValue(op)] += runLength;
                    p++;
                }
                index += runLength;
            }
            valid &= index == Registers;
        }
        count = Estimate(histogram);
        return valid;
    }

    /// <summary>hllCount over plain one-byte registers (PFCOUNT of several keys).</summary>
    public static long CountRaw(ReadOnlySpan<byte> registers)
    {
        Span<int> histogram = stackalloc int[64];
        foreach (byte r in registers) histogram[r & 63]++;
        return Estimate(histogram);
    }

    /// <summary>Ertl's estimator ("New cardinality estimation algorithms for HyperLogLog sketches"), as hllCount computes it.</summary>
    private static long Estimate(ReadOnlySpan<int> histogram)
    {
        double m = Registers;
        double z = m * Tau((m - histogram[Q + 1]) / m);
        for (int j = Q; j >= 1; --j)
        {
            z += histogram[j];
            z *= 0.5;
        }
        z += m * Sigma(histogram[0] / m);
        return (long)Math.Round(AlphaInf * m * m / z, MidpointRounding.AwayFromZero);
    }

    private static double Sigma(double x)
    {
        if (x == 1.0) return double.PositiveInfinity;
        double zPrime;
        double y = 1;
        double z = x;
        do
        {
            x *= x;
            zPrime = z;
            z += x * y;
            y += y;
        } while (zPrime != z);
        return z;
    }

    private static double Tau(double x)
    {
        if (x == 0.0 || x == 1.0) return 0.0;
        double zPrime;
        double y = 1.0;
        double z = 1 - x;
        do
        {
            x = Math.Sqrt(x);
            zPrime = z;
            y *= 0.5;
            z -= Math.Pow(1 - x, 2) * y;
        } while (zPrime != z);
        return z / 3;
    }

    /// <summary>Writes a register of a dense HLL whatever its current value (PFSELFTEST).</summary>
    public void ForceRegister(int index, int value) => DenseSetRegister(_data.AsSpan(HeaderSize, _length - HeaderSize), index, value);

    /// <summary>PFDEBUG GETREG: the register values (of a dense HLL).</summary>
    public int Register(int index) => DenseGet(_data.AsSpan(HeaderSize, _length - HeaderSize), index);

    /// <summary>PFDEBUG DECODE: the sparse opcodes as "z:len", "Z:len" and "v:value,len".</summary>
    public string DecodeSparse()
    {
        var sb = new System.Text.StringBuilder();
        for (int p = HeaderSize; p < _length;)
        {
            byte op = _data[p];
            if (sb.Length > 0) sb.Append(' ');
            if (IsZero(op))
            {
                sb.Append("z:").Append(ZeroLength(op));
                p++;
            }
            else if (IsXZero(op))
            {
                sb.Append("Z:").Append(p + 1 < _length ? XZeroLength(_data.AsSpan(p)) : 0);
                p += 2;
            }
            else
            {
                sb.Append("v:").Append(ValValue(op)).Append(',').Append(ValLength(op));
                p++;
            }
        }
        return sb.ToString();
    }

    /// <summary>
    /// PFSELFTEST's checks: dense registers keep what is written to them without touching their
    /// neighbours (<paramref name="registerCycles"/> rounds of random values), and a dense and a sparse
    /// HLL fed the same <paramref name="elements"/> elements agree at every power of ten and stay
    /// within six standard errors. Returns the failure, or null.
    /// </summary>
    public static string? SelfTest(int registerCycles, int elements, long sparseMaxBytes, Random random)
    {
        var dense = CreateEmpty();
        dense.ToDense();
        var expected = new byte[Registers];
        for (int cycle = 0; cycle < registerCycles; cycle++)
        {
            random.NextBytes(expected);
            for (int i = 0; i < Registers; i++)
            {
                expected[i] &= RegisterMax;
                dense.ForceRegister(i, expected[i]);
            }
            for (int i = 0; i < Registers; i++)
            {
                if (dense.Register(i) != expected[i]) return $"TESTFAILED Register {i} should be {expected[i]} but is {dense.Register(i)}";
            }
        }

        dense = CreateEmpty();
        dense.ToDense();
        var sparse = CreateEmpty();
        double relativeError = 1.04 / Math.Sqrt(Registers);
        long checkpoint = 1;
        ulong seed = (ulong)random.NextInt64();
        Span<byte> element = stackalloc byte[8];
        for (long j = 1; j <= elements; j++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(element, (ulong)j ^ seed);
            dense.Add(element, sparseMaxBytes);
            sparse.Add(element, sparseMaxBytes);
            if (j != checkpoint) continue;
            if (j < sparseMaxBytes / 2 && !sparse.IsSparse) return "TESTFAILED sparse encoding not used";
            TryCount(dense._data.AsSpan(0, dense._length), out long denseCount);
            TryCount(sparse._data.AsSpan(0, sparse._length), out long sparseCount);
            if (denseCount != sparseCount) return "TESTFAILED dense/sparse disagree";
            long error = Math.Abs(checkpoint - denseCount);
            long maxError = j == 10 ? 1 : (long)Math.Ceiling(relativeError * 6 * checkpoint);
            if (error > maxError) return $"TESTFAILED Too big error. card:{checkpoint} abserr:{error}";
            checkpoint *= 10;
        }
        return null;
    }
}
