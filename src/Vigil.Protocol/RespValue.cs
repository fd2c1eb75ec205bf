using System.Text;

namespace Vigil.Protocol;

public enum RespType : byte
{
    SimpleString = (byte)'+',
    Error = (byte)'-',
    Integer = (byte)':',
    BulkString = (byte)'$',
    Array = (byte)'*',
    Null = (byte)'_',
    Double = (byte)',',
    Boolean = (byte)'#',
    BigNumber = (byte)'(',
    BlobError = (byte)'!',
    Verbatim = (byte)'=',
    Map = (byte)'%',
    Set = (byte)'~',
    Push = (byte)'>',
    Attribute = (byte)'|',
}

/// <summary>
/// A reply as a tree, for the places that consume replies rather than produce them: the replica's
/// link to its master, sentinels' links, and tests. Null bulk and null array keep their RESP2 types
/// with <see cref="IsNull"/> set.
/// </summary>
public sealed class RespValue
{
    public RespValue(RespType type, byte[]? bytes = null, long integer = 0, RespValue[]? items = null, bool isNull = false)
    {
        Type = type;
        Bytes = bytes;
        Integer = integer;
        Items = items;
        IsNull = isNull;
    }

    public RespType Type { get; }

    /// <summary>The payload of strings, errors, doubles, big numbers and verbatim strings.</summary>
    public byte[]? Bytes { get; }

    public long Integer { get; }

    /// <summary>Elements of arrays, sets and pushes; keys and values alternating for maps.</summary>
    public RespValue[]? Items { get; }

    public bool IsNull { get; }

    public string? Text => Bytes == null ? null : Encoding.UTF8.GetString(Bytes);

    public bool IsError => Type is RespType.Error or RespType.BlobError;

    /// <summary>A canonical one-line rendering (used to compare two servers' replies).</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        Render(sb);
        return sb.ToString();
    }

    private void Render(StringBuilder sb)
    {
        sb.Append((char)Type);
        if (IsNull)
        {
            sb.Append("nil");
            return;
        }
        if (Items != null)
        {
            sb.Append('[');
            for (int i = 0; i < Items.Length; i++)
            {
                if (i > 0) sb.Append(", ");
                Items[i].Render(sb);
            }
            sb.Append(']');
            return;
        }
        if (Type is RespType.Integer) sb.Append(Integer);
        else if (Bytes != null) sb.Append(Encoding.Latin1.GetString(Bytes).Replace("\r", "\\r").Replace("\n", "\\n"));
    }
}
