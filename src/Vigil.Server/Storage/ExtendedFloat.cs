using System.Numerics;
using System.Text;

namespace Vigil.Server.Storage;

/// <summary>
/// The x87 80-bit "long double" that Redis uses for INCRBYFLOAT and HINCRBYFLOAT on x86-64, emulated
/// exactly: a 64-bit significand with round-to-nearest-even, parsed like glibc's strtold and printed
/// like "%.17Lf" with trailing zeros removed (ld2string, LD_STR_HUMAN). With a 64-bit significand
/// 0.1 + 0.2 prints "0.3", where a double would print 0.30000000000000004.
/// </summary>
public readonly struct ExtendedFloat
{
    private const int MantissaBits = 64;
    private const int MinExponent = -16382 - 63;    // exponent of the smallest subnormal, value = mantissa * 2^exponent
    private const int MaxExponent = 16383 - 63;     // exponent of the largest finite values
    private const int MaxChars = 5 * 1024;          // MAX_LONG_DOUBLE_CHARS: longer inputs are rejected
    private const int FractionDigits = 17;

    private readonly ulong _mantissa;
    private readonly int _exponent;
    private readonly bool _negative;
    private readonly bool _infinite;

    private ExtendedFloat(bool negative, ulong mantissa, int exponent, bool infinite = false)
    {
        _negative = negative;
        _mantissa = mantissa;
        _exponent = exponent;
        _infinite = infinite;
    }

    public bool IsInfinity => _infinite;

    public bool IsZero => !_infinite && _mantissa == 0;

    private static ExtendedFloat Infinity(bool negative) => new(negative, 0, 0, infinite: true);

    /// <summary>
    /// string2ld: strtold over the whole input (decimal, hexadecimal, "inf"/"infinity"), no leading
    /// blank, no NaN, and no result that overflowed or underflowed to zero.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> s, out ExtendedFloat value)
    {
        value = default;
        if (s.Length == 0 || s.Length >= MaxChars) return false;
        // strtold stops at a NUL byte, and string2ld wants the whole input consumed.
        if (s.Contains((byte)0) || IsSpace(s[0])) return false;

        bool negative = false;
        int i = 0;
        if (s[0] is (byte)'+' or (byte)'-')
        {
            negative = s[0] == '-';
            i = 1;
        }
        var rest = s[i..];
        if (EqualsIgnoreCase(rest, "inf"u8) || EqualsIgnoreCase(rest, "infinity"u8))
        {
            value = Infinity(negative);
            return true;
        }
        if (rest.Length > 2 && rest[0] == '0' && (rest[1] | 0x20) == 'x') return TryParseHex(rest[2..], negative, out value);
        return TryParseDecimal(rest, negative, out value);
    }

    private static bool TryParseDecimal(ReadOnlySpan<byte> s, bool negative, out ExtendedFloat value)
    {
        value = default;
        BigInteger digits = BigInteger.Zero;
        int digitCount = 0, significant = 0, scale = 0, i = 0;
        bool seenPoint = false;
        ulong chunk = 0;
        int chunkDigits = 0;
        for (; i < s.Length; i++)
        {
            byte c = s[i];
            if (c == '.' && !seenPoint)
            {
                seenPoint = true;
                continue;
            }
            if (c < '0' || c > '9') break;
            digitCount++;
            if (seenPoint) scale--;
            if (significant == 0 && c == '0') continue;
            significant++;
            chunk = chunk * 10 + (ulong)(c - '0');
            if (++chunkDigits == 18)
            {
                digits = digits * Pow10(18) + chunk;
                chunk = 0;
                chunkDigits = 0;
            }
        }
        if (digitCount == 0) return false;
        if (chunkDigits > 0) digits = digits * Pow10(chunkDigits) + chunk;
        long exponent = scale;
        if (i < s.Length)
        {
            if ((s[i] | 0x20) != 'e' || !TryParseExponent(s[(i + 1)..], out long e)) return false;
            exponent += e;
        }
        if (digits.IsZero)
        {
            value = new ExtendedFloat(negative, 0, 0);
            return true;
        }
        // Outside these bounds strtold reports ERANGE with HUGE_VAL or zero, which string2ld rejects.
        if (exponent + significant > 4934 || exponent + significant < -4952) return false;
        if (exponent >= 0)
        {
            return TryRound(negative, digits * BigInteger.Pow(10, (int)exponent), 0, out value) && !value.IsInfinity;
        }
        var denominator = BigInteger.Pow(10, (int)-exponent);
        // Divide with enough quotient bits for rounding, folding the remainder into a sticky bit.
        int shift = Math.Max(0, MantissaBits + 3 + (int)denominator.GetBitLength() - (int)digits.GetBitLength());
        var quotient = BigInteger.DivRem(digits << shift, denominator, out var remainder);
        var withSticky = (quotient << 1) | (remainder.IsZero ? BigInteger.Zero : BigInteger.One);
        return TryRound(negative, withSticky, -shift - 1, out value) && !value.IsInfinity;
    }

    private static bool TryParseHex(ReadOnlySpan<byte> s, bool negative, out ExtendedFloat value)
    {
        value = default;
        BigInteger digits = BigInteger.Zero;
        int digitCount = 0, i = 0;
        long exponent = 0;
        bool seenPoint = false;
        for (; i < s.Length; i++)
        {
            byte c = s[i];
            if (c == '.' && !seenPoint)
            {
                seenPoint = true;
                continue;
            }
            int d = HexValue(c);
            if (d < 0) break;
            digitCount++;
            if (seenPoint) exponent -= 4;
            if (digits.IsZero && d == 0) continue;
            digits = (digits << 4) + d;
        }
        if (digitCount == 0) return false;
        if (i < s.Length)
        {
            if ((s[i] | 0x20) != 'p' || !TryParseExponent(s[(i + 1)..], out long e)) return false;
            exponent += e;
        }
        if (digits.IsZero)
        {
            value = new ExtendedFloat(negative, 0, 0);
            return true;
        }
        long top = exponent + (long)digits.GetBitLength();
        if (top > MaxExponent + MantissaBits + 1 || top < MinExponent - 2) return false;
        return TryRound(negative, digits, (int)exponent, out value) && !value.IsInfinity;
    }

    private static bool TryParseExponent(ReadOnlySpan<byte> s, out long exponent)
    {
        exponent = 0;
        bool negative = false;
        if (s.Length > 0 && s[0] is (byte)'+' or (byte)'-')
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s.Length == 0) return false;
        foreach (byte c in s)
        {
            if (c < '0' || c > '9') return false;
            // Saturate: any exponent this large overflows or underflows anyway.
            if (exponent < 1_000_000_000) exponent = exponent * 10 + (c - '0');
        }
        if (negative) exponent = -exponent;
        return true;
    }

    /// <summary>
    /// Rounds the exact value <paramref name="n"/> * 2^<paramref name="e"/> to the format, to nearest
    /// with ties to even: infinite on overflow; false when a nonzero value underflows to zero.
    /// </summary>
    private static bool TryRound(bool negative, BigInteger n, int e, out ExtendedFloat value)
    {
        value = default;
        int bits = (int)n.GetBitLength();
        int shift = bits - MantissaBits;
        if (e + shift < MinExponent) shift = MinExponent - e;
        BigInteger mantissa;
        if (shift <= 0)
        {
            mantissa = n << -shift;
        }
        else
        {
            mantissa = n >> shift;
            var remainder = n - (mantissa << shift);
            var half = BigInteger.One << (shift - 1);
            int cmp = remainder.CompareTo(half);
            if (cmp > 0 || (cmp == 0 && !mantissa.IsEven)) mantissa += 1;
        }
        int exponent = e + shift;
        if (mantissa.GetBitLength() > MantissaBits)
        {
            mantissa >>= 1;
            exponent++;
        }
        if (mantissa.IsZero) return false;
        if (exponent > MaxExponent)
        {
            value = Infinity(negative);
            return true;
        }
        value = new ExtendedFloat(negative, (ulong)mantissa, exponent);
        return true;
    }

    /// <summary>
    /// <c>(long long)ceill(value * factor)</c> as x86-64 computes it (Redis's blocking timeouts): the
    /// product rounded to the format, its ceiling, and long.MinValue (the "integer indefinite") when
    /// that does not fit a long, infinity included.
    /// </summary>
    public long CeilingOfProduct(long factor)
    {
        if (_infinite) return long.MinValue;
        if (_mantissa == 0 || factor == 0) return 0;
        var exact = new BigInteger(_mantissa) * BigInteger.Abs(factor);
        bool negative = _negative != factor < 0;
        if (!TryRound(negative, exact, _exponent, out var product)) return negative ? 0 : 1;
        if (product._infinite) return long.MinValue;
        BigInteger magnitude;
        if (product._exponent >= 0)
        {
            magnitude = new BigInteger(product._mantissa) << product._exponent;
        }
        else
        {
            var m = new BigInteger(product._mantissa);
            magnitude = m >> -product._exponent;
            // The ceiling rounds a positive fraction up; a negative one goes towards zero.
            if (!negative && magnitude << -product._exponent != m) magnitude += 1;
        }
        var result = negative ? -magnitude : magnitude;
        return result < long.MinValue || result > long.MaxValue ? long.MinValue : (long)result;
    }

    /// <summary>The sum rounded to the format (long double addition); infinite on overflow.</summary>
    public static ExtendedFloat Add(ExtendedFloat a, ExtendedFloat b)
    {
        if (a._infinite || b._infinite)
        {
            // inf + -inf is NaN, which callers treat like infinity: both are rejected.
            return a._infinite ? a : b;
        }
        if (a.IsZero) return b.IsZero ? new ExtendedFloat(a._negative && b._negative, 0, 0) : b;
        if (b.IsZero) return a;
        int e = Math.Min(a._exponent, b._exponent);
        var sum = a.Scaled(e) + b.Scaled(e);
        if (sum.IsZero) return new ExtendedFloat(false, 0, 0);
        bool negative = sum.Sign < 0;
        if (!TryRound(negative, BigInteger.Abs(sum), e, out var result)) return new ExtendedFloat(negative, 0, 0);
        return result;
    }

    private BigInteger Scaled(int exponent)
    {
        var n = new BigInteger(_mantissa) << (_exponent - exponent);
        return _negative ? -n : n;
    }

    /// <summary>ld2string in human mode: "%.17Lf" with the trailing zeros (and a bare '.') removed, "-0" as "0".</summary>
    public override string ToString()
    {
        if (_infinite) return _negative ? "-inf" : "inf";
        // round(|value| * 10^17), ties to even, as printf does in the default rounding mode.
        var scaled = new BigInteger(_mantissa) * BigInteger.Pow(10, FractionDigits);
        BigInteger units;
        if (_exponent >= 0)
        {
            units = scaled << _exponent;
        }
        else
        {
            units = scaled >> -_exponent;
            var remainder = scaled - (units << -_exponent);
            var half = BigInteger.One << (-_exponent - 1);
            int cmp = remainder.CompareTo(half);
            if (cmp > 0 || (cmp == 0 && !units.IsEven)) units += 1;
        }
        string digits = units.ToString().PadLeft(FractionDigits + 1, '0');
        var sb = new StringBuilder(digits.Length + 2);
        if (_negative) sb.Append('-');
        sb.Append(digits, 0, digits.Length - FractionDigits);
        int end = digits.Length;
        while (end > digits.Length - FractionDigits && digits[end - 1] == '0') end--;
        if (end > digits.Length - FractionDigits) sb.Append('.').Append(digits, digits.Length - FractionDigits, end - (digits.Length - FractionDigits));
        string text = sb.ToString();
        return text == "-0" ? "0" : text;
    }

    /// <summary>The formatted value as the bytes Redis stores.</summary>
    public byte[] ToBytes() => Encoding.ASCII.GetBytes(ToString());

    private static BigInteger Pow10(int n) => BigInteger.Pow(10, n);

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';

    private static bool EqualsIgnoreCase(ReadOnlySpan<byte> a, ReadOnlySpan<byte> lowercase)
    {
        if (a.Length != lowercase.Length) return false;
        for (int i = 0; i < a.Length; i++)
        {
            if ((a[i] | 0x20) != lowercase[i]) return false;
        }
        return true;
    }
}
