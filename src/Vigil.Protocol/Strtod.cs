using System.Globalization;

namespace Vigil.Protocol;

/// <summary>
/// glibc's strtod over bytes, for the places where Redis hands an argument straight to it
/// (score ranges: leading blanks, hexadecimal, "infinity", a prefix followed by garbage all behave
/// as in C), and string2d (scores, weights), which adds Redis's checks on top.
/// </summary>
public static class Strtod
{
    /// <summary>
    /// Parses the longest prefix of <paramref name="s"/> that strtod accepts. <paramref name="consumed"/>
    /// is 0 when nothing was converted (C's endptr == nptr); <paramref name="rangeError"/> is C's
    /// ERANGE for results that overflowed to infinity or underflowed to zero.
    /// </summary>
    public static double Parse(ReadOnlySpan<byte> s, out int consumed, out bool rangeError)
    {
        consumed = 0;
        rangeError = false;
        int p = 0;
        while (p < s.Length && IsSpace(s[p])) p++;
        bool negative = false;
        if (p < s.Length && s[p] is (byte)'+' or (byte)'-')
        {
            negative = s[p] == '-';
            p++;
        }
        double value;
        int end;
        if (StartsWithIgnoreCase(s[p..], "inf"u8))
        {
            end = p + (StartsWithIgnoreCase(s[p..], "infinity"u8) ? 8 : 3);
            value = double.PositiveInfinity;
        }
        else if (StartsWithIgnoreCase(s[p..], "nan"u8))
        {
            end = p + 3;
            if (end < s.Length && s[end] == '(')
            {
                int q = end + 1;
                while (q < s.Length && (IsAsciiLetterOrDigit(s[q]) || s[q] == '_')) q++;
                if (q < s.Length && s[q] == ')') end = q + 1;
            }
            value = double.NaN;
        }
        else if (p + 2 < s.Length && s[p] == '0' && (s[p + 1] | 0x20) == 'x' && StartsHexMantissa(s[(p + 2)..]))
        {
            value = ParseHex(s, p + 2, out end, out rangeError);
        }
        else
        {
            value = ParseDecimal(s, p, out end, out rangeError);
            if (end < 0) return 0;
        }
        consumed = end;
        return negative ? -value : value;
    }

    /// <summary>
    /// string2d: the whole argument is one number, without a leading blank; NaN, overflow and
    /// underflow to zero are refused (subnormal results are kept).
    /// </summary>
    public static bool TryParseString2d(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        if (s.Length == 0 || IsSpace(s[0])) return false;
        double d = Parse(s, out int consumed, out bool rangeError);
        if (consumed != s.Length || rangeError || double.IsNaN(d)) return false;
        value = d;
        return true;
    }

    /// <summary>C's isspace in the "C" locale.</summary>
    public static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';

    private static double ParseDecimal(ReadOnlySpan<byte> s, int start, out int end, out bool rangeError)
    {
        rangeError = false;
        int p = start;
        int digits = 0;
        bool nonZero = false;
        while (p < s.Length && IsDigit(s[p]))
        {
            nonZero |= s[p] != '0';
            p++;
            digits++;
        }
        if (p < s.Length && s[p] == '.')
        {
            p++;
            while (p < s.Length && IsDigit(s[p]))
            {
                nonZero |= s[p] != '0';
                p++;
                digits++;
            }
        }
        if (digits == 0)
        {
            end = -1;
            return 0;
        }
        if (p < s.Length && (s[p] | 0x20) == 'e')
        {
            int q = p + 1;
            if (q < s.Length && s[q] is (byte)'+' or (byte)'-') q++;
            if (q < s.Length && IsDigit(s[q]))
            {
                while (q < s.Length && IsDigit(s[q])) q++;
                p = q;
            }
        }
        end = p;
        // A mantissa like "5." or ".5" is fine for .NET too; only the characters strtod took are passed.
        Span<char> chars = p - start <= 512 ? stackalloc char[p - start] : new char[p - start];
        for (int i = start; i < p; i++) chars[i - start] = (char)s[i];
        double value = double.Parse(chars, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (double.IsInfinity(value) || (value == 0 && nonZero)) rangeError = true;
        return value;
    }

    private static bool StartsHexMantissa(ReadOnlySpan<byte> s) =>
        s.Length > 0 && (IsHexDigit(s[0]) || (s[0] == '.' && s.Length > 1 && IsHexDigit(s[1])));

    /// <summary>A hexadecimal float after "0x": hex digits, an optional fraction, an optional binary exponent.</summary>
    private static double ParseHex(ReadOnlySpan<byte> s, int start, out int end, out bool rangeError)
    {
        ulong mantissa = 0;
        long exponent = 0;
        bool sticky = false;
        int p = start;
        bool seenPoint = false;
        for (; p < s.Length; p++)
        {
            byte c = s[p];
            if (c == '.' && !seenPoint)
            {
                seenPoint = true;
                continue;
            }
            if (!IsHexDigit(c)) break;
            int d = HexValue(c);
            if (mantissa < 1UL << 56)
            {
                mantissa = mantissa << 4 | (uint)d;
                if (seenPoint) exponent -= 4;
            }
            else
            {
                // Digits past 56 bits only decide the rounding.
                sticky |= d != 0;
                if (!seenPoint) exponent += 4;
            }
        }
        if (p < s.Length && (s[p] | 0x20) == 'p')
        {
            int q = p + 1;
            bool negativeExponent = false;
            if (q < s.Length && s[q] is (byte)'+' or (byte)'-')
            {
                negativeExponent = s[q] == '-';
                q++;
            }
            if (q < s.Length && IsDigit(s[q]))
            {
                long e = 0;
                while (q < s.Length && IsDigit(s[q]))
                {
                    if (e < 100_000) e = e * 10 + (s[q] - '0');
                    q++;
                }
                exponent += negativeExponent ? -e : e;
                p = q;
            }
        }
        end = p;
        rangeError = false;
        if (mantissa == 0) return 0;
        if (sticky) mantissa |= 1;
        double value = Math.ScaleB((double)mantissa, (int)Math.Clamp(exponent, -100_000, 100_000));
        if (double.IsInfinity(value) || value == 0) rangeError = true;
        return value;
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> s, ReadOnlySpan<byte> lowercase) =>
        s.Length >= lowercase.Length && RedisNumbers.EqualsIgnoreCase(s[..lowercase.Length], lowercase);

    private static bool IsDigit(byte c) => c is >= (byte)'0' and <= (byte)'9';

    private static bool IsHexDigit(byte c) => IsDigit(c) || (c | 0x20) is >= 'a' and <= 'f';

    private static bool IsAsciiLetterOrDigit(byte c) => IsDigit(c) || (c | 0x20) is >= 'a' and <= 'z';

    private static int HexValue(byte c) => IsDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10;
}
