using Vigil.Protocol;

namespace Vigil.Server.Storage;

/// <summary>
/// Redis's shared integers (OBJ_SHARED_INTEGERS): one array for each of "0" to "9999", which INCR
/// and its family store instead of a new array, so that counting allocates nothing. Strings are
/// never changed in place, so sharing is safe; a command that gives a stored string a different
/// encoding by identity (<see cref="StringEncodingMarks"/>) unshares it first (<see cref="Database.Unshare"/>).
/// </summary>
public static class SharedIntegers
{
    public const int Count = 10000;

    private static readonly byte[][] Values = Build();

    /// <summary>The shared array for <paramref name="value"/>, or null outside 0-9999.</summary>
    public static byte[]? For(long value) => (ulong)value < Count ? Values[value] : null;

    /// <summary>True when <paramref name="value"/> is one of the shared arrays.</summary>
    public static bool IsShared(byte[] value) =>
        value.Length <= 4 && RedisNumbers.TryParseInt64(value, out long n) && (ulong)n < Count && ReferenceEquals(Values[n], value);

    private static byte[][] Build()
    {
        var values = new byte[Count][];
        Span<byte> text = stackalloc byte[20];
        for (int i = 0; i < Count; i++) values[i] = text[..RedisNumbers.FormatInt64(i, text)].ToArray();
        return values;
    }
}
