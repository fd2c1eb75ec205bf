using System.Runtime.CompilerServices;
using Vigil.Protocol;

namespace Vigil.Server.Storage;

/// <summary>
/// Redis gives a string its encoding by how it was made, not only by its bytes: SET and friends
/// pick "int", "embstr" or "raw" from the value (tryObjectEncoding), but APPEND and SETRANGE leave
/// "raw" whatever the length, and INCRBYFLOAT "embstr" even for "3". Strings are plain byte arrays,
/// so the few whose encoding differs from what their bytes suggest are remembered here, by identity,
/// for as long as the array lives.
/// </summary>
public static class StringEncodingMarks
{
    /// <summary>OBJ_ENCODING_EMBSTR_SIZE_LIMIT.</summary>
    public const int EmbeddedStringLimit = 44;

    private static readonly ConditionalWeakTable<byte[], string> Marks = new();

    /// <summary>OBJECT ENCODING of a string value.</summary>
    public static string EncodingOf(byte[] value) => Marks.TryGetValue(value, out var marked) ? marked : ByContent(value);

    /// <summary>A value built in place (APPEND, SETRANGE): "raw" in Redis.</summary>
    public static void MarkRaw(byte[] value) => Mark(value, "raw");

    /// <summary>A value made with createStringObject without tryObjectEncoding (INCRBYFLOAT's result).</summary>
    public static void MarkUnencoded(byte[] value) => Mark(value, value.Length <= EmbeddedStringLimit ? "embstr" : "raw");

    /// <summary>
    /// COPY duplicates a string with its encoding (dupStringObject), but never as a shared object:
    /// an integer copy is marked so that it is not taken for one of Redis's shared integers.
    /// </summary>
    public static void CopyMark(byte[] from, byte[] to)
    {
        string encoding = EncodingOf(from);
        if (encoding == "int" || Marks.TryGetValue(from, out _)) Marks.AddOrUpdate(to, encoding);
    }

    /// <summary>
    /// Whether Redis could hold this value as a shared object (an integer that tryObjectEncoding or
    /// INCR made): an integer the marks say nothing about. The range and policy checks are the caller's.
    /// </summary>
    public static bool IsPlainInteger(byte[] value) => !Marks.TryGetValue(value, out _) && ByContent(value) == "int";

    private static void Mark(byte[] value, string encoding)
    {
        if (encoding != ByContent(value)) Marks.AddOrUpdate(value, encoding);
    }

    /// <summary>tryObjectEncoding: a canonical 64-bit integer of at most 20 chars is "int", then by length.</summary>
    private static string ByContent(byte[] value)
    {
        if (value.Length <= 20 && RedisNumbers.TryParseInt64(value, out _)) return "int";
        return value.Length <= EmbeddedStringLimit ? "embstr" : "raw";
    }
}
