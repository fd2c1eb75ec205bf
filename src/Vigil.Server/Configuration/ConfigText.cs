using System.Globalization;
using System.Text;

namespace Vigil.Server.Configuration;

/// <summary>How values are written into a config file, as Redis's CONFIG REWRITE writes them.</summary>
public static class ConfigText
{
    /// <summary>rewriteConfigFormatMemory: the largest of gb, mb, kb that divides the value exactly.</summary>
    public static string FormatMemory(long bytes)
    {
        const long kb = 1024, mb = kb * 1024, gb = mb * 1024;
        if (bytes != 0 && bytes % gb == 0) return (bytes / gb).ToString(CultureInfo.InvariantCulture) + "gb";
        if (bytes != 0 && bytes % mb == 0) return (bytes / mb).ToString(CultureInfo.InvariantCulture) + "mb";
        if (bytes != 0 && bytes % kb == 0) return (bytes / kb).ToString(CultureInfo.InvariantCulture) + "kb";
        return bytes.ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>sdscatrepr: double quotes, backslash escapes for quotes, backslashes and control characters.</summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2);
        sb.Append('"');
        foreach (char c in value)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '"': sb.Append("\\\""); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\a': sb.Append("\\a"); break;
                case '\b': sb.Append("\\b"); break;
                default:
                    if (c is >= ' ' and <= '~') sb.Append(c);
                    else sb.Append("\\x").Append(((int)c & 0xff).ToString("x2", CultureInfo.InvariantCulture));
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
