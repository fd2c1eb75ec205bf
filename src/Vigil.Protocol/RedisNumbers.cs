using System.Buffers.Text;
using System.Globalization;

namespace Vigil.Protocol;

/// <summary>Number parsing and formatting with Redis's exact rules (util.c: string2ll, string2d, %.17g).</summary>
public static class RedisNumbers
{
    /// <summary>string2ll: optional '-', digits, no leading zeros, no '+', no blanks, no "-0", fits in 64 bits.</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        if (s.Length == 0 || s.Length > 20) return false;
        if (s.Length == 1 && s[0] == '0') return true;
        int i = 0;
        bool negative = false;
        if (s[0] == '-')
        {
            negative = true;
            i = 1;
            if (s.Length == 1) return false;
        }
        if (s[i] < '1' || s[i] > '9') return false;
        ulong v = 0;
        for (; i < s.Length; i++)
        {
            uint d = (uint)(s[i] - '0');
            if (d > 9) return false;
            if (v > (ulong.MaxValue - d) / 10) return false;
            v = v * 10 + d;
        }
        if (negative)
        {
            if (v > (ulong)long.MaxValue + 1) return false;
            value = (long)(0 - v);
        }
        else
        {
            if (v > long.MaxValue) return false;
            value = (long)v;
        }
        return true;
    }

    public static bool TryParseInt64(string s, out long value)
    {
        Span<byte> buffer = stackalloc byte[24];
        value = 0;
        if (s.Length > buffer.Length) return false;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] > 127) return false;
            buffer[i] = (byte)s[i];
        }
        return TryParseInt64(buffer[..s.Length], out value);
    }

    /// <summary>
    /// string2d / strtod as Redis uses it for scores and floats: no leading blank, the whole input
    /// consumed, "inf"/"+inf"/"-inf" (any case) accepted, NaN rejected.
    /// </summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        if (s.Length == 0 || s.Length > 5120 || IsBlank(s[0]) || IsBlank(s[^1])) return false;
        if (EqualsIgnoreCase(s, "inf"u8) || EqualsIgnoreCase(s, "+inf"u8) || EqualsIgnoreCase(s, "infinity"u8) || EqualsIgnoreCase(s, "+infinity"u8))
        {
            value = double.PositiveInfinity;
            return true;
        }
        if (EqualsIgnoreCase(s, "-inf"u8) || EqualsIgnoreCase(s, "-infinity"u8))
        {
            value = double.NegativeInfinity;
            return true;
        }
        foreach (byte c in s)
        {
            // strtod also reads hex floats and "nan"; Redis rejects NaN and clients never send hex.
            if (!(c is >= (byte)'0' and <= (byte)'9' or (byte)'.' or (byte)'e' or (byte)'E' or (byte)'-' or (byte)'+')) return false;
        }
        if (!Utf8Parser.TryParse(s, out value, out int consumed) || consumed != s.Length)
        {
            Span<char> chars = stackalloc char[s.Length];
            for (int i = 0; i < s.Length; i++) chars[i] = (char)s[i];
            if (!double.TryParse(chars, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return false;
        }
        return !double.IsNaN(value);
    }

    /// <summary>Writes <paramref name="value"/> in decimal; returns the number of bytes written.</summary>
    public static int FormatInt64(long value, Span<byte> destination)
    {
        Utf8Formatter.TryFormat(value, destination, out int written);
        return written;
    }

    /// <summary>Bytes enough for any <see cref="FormatDouble(double, Span{byte})"/> result.</summary>
    public const int MaxDoubleChars = 32;

    /// <summary>C's "%.17g", which Redis uses for double replies: "inf", "-inf", "nan", exponents as e+20.</summary>
    public static string FormatDouble(double value)
    {
        Span<byte> buffer = stackalloc byte[MaxDoubleChars];
        return System.Text.Encoding.ASCII.GetString(buffer[..FormatDouble(value, buffer)]);
    }

    /// <summary>"%.17g" into <paramref name="destination"/> (at least <see cref="MaxDoubleChars"/> bytes); returns the length.</summary>
    public static int FormatDouble(double value, Span<byte> destination)
    {
        if (double.IsPositiveInfinity(value)) return Copy("inf"u8, destination);
        if (double.IsNegativeInfinity(value)) return Copy("-inf"u8, destination);
        if (double.IsNaN(value)) return Copy("nan"u8, destination);
        // .NET's G17 switches to exponents exactly where %g does; C writes the exponent as e+20 or
        // e-05 (lower case, at least two digits).
        value.TryFormat(destination, out int written, "G17", CultureInfo.InvariantCulture);
        int e = destination[..written].IndexOf((byte)'E');
        if (e < 0) return written;
        destination[e] = (byte)'e';
        int digits = e + 2;
        int firstNonZero = digits;
        while (firstNonZero < written - 1 && destination[firstNonZero] == '0') firstNonZero++;
        int kept = written - firstNonZero;
        if (kept < 2)
        {
            destination[digits] = (byte)'0';
            destination[digits + 1] = destination[firstNonZero];
            return digits + 2;
        }
        destination[firstNonZero..written].CopyTo(destination[digits..]);
        return digits + kept;
    }

    private static int Copy(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        text.CopyTo(destination);
        return text.Length;
    }

    /// <summary>
    /// Human-friendly float format of INCRBYFLOAT and HINCRBYFLOAT (ld2string, LD_STR_HUMAN): plain
    /// decimal notation with up to 17 significant digits and no trailing zeros.
    /// </summary>
    public static string FormatHumanDouble(double value)
    {
        if (double.IsPositiveInfinity(value)) return "inf";
        if (double.IsNegativeInfinity(value)) return "-inf";
        string s = value.ToString("F17", CultureInfo.InvariantCulture);
        if (s.Contains('.')) s = s.TrimEnd('0').TrimEnd('.');
        if (s == "-0") s = "0";
        return s;
    }

    public static bool EqualsIgnoreCase(ReadOnlySpan<byte> a, ReadOnlySpan<byte> lowercase)
    {
        if (a.Length != lowercase.Length) return false;
        for (int i = 0; i < a.Length; i++)
        {
            byte c = a[i];
            if (c is >= (byte)'A' and <= (byte)'Z') c = (byte)(c | 0x20);
            if (c != lowercase[i]) return false;
        }
        return true;
    }

    private static bool IsBlank(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\v' or (byte)'\f' or (byte)'\r';
}
