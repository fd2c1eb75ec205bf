using Vigil.Server.Storage;

namespace Vigil.Server.Persistence;

/// <summary>
/// Lists in RDB form. Written as Redis 7.0 writes them: RDB_TYPE_LIST_QUICKLIST_2, a node count,
/// then per node its container (packed) and a listpack of at most 8 KB, as list-max-listpack-size -2
/// splits them. Read from every encoding Redis 7.0 and older write: plain (1), ziplist (10),
/// quicklist of ziplists (14) and quicklist 2 with packed and plain nodes (18).
/// </summary>
public static class RdbListCodec
{
    /// <summary>The node size list-max-listpack-size -2 allows (quicklist's optimization level).</summary>
    private const int NodeSizeLimit = 8192;

    /// <summary>What quicklist reckons an entry adds besides its bytes (SIZE_ESTIMATE_OVERHEAD).</summary>
    private const int EntryOverheadEstimate = 8;

    public static void Write(RdbWriter w, RedisList list)
    {
        var nodes = new List<byte[]>();
        var node = new ListpackBuilder();
        for (int i = 0; i < list.Count; i++)
        {
            var element = list[i];
            if (node.Count > 0 && node.Size + element.Length + EntryOverheadEstimate > NodeSizeLimit)
            {
                nodes.Add(node.Finish().ToArray());
                node = new ListpackBuilder();
            }
            node.Add(element);
        }
        if (node.Count > 0) nodes.Add(node.Finish().ToArray());
        w.WriteLength((ulong)nodes.Count);
        foreach (var blob in nodes)
        {
            w.WriteLength(RdbFormat.QuicklistNodePacked);
            w.WriteString(blob);
        }
    }

    /// <summary>
    /// Reads a list of any list encoding. Malformed input throws <see cref="RdbFormatException"/>; a
    /// list without elements (empty ziplist nodes are skipped, as Redis does) reads as null.
    /// </summary>
    public static RedisList? Read(RdbReader r, byte type)
    {
        var list = new RedisList();
        switch (type)
        {
            case RdbFormat.TypeList:
            {
                int count = r.ReadCount();
                for (int i = 0; i < count; i++) list.PushTail(r.ReadString());
                break;
            }
            case RdbFormat.TypeListZiplist:
                AddAll(list, RdbValueCodec.Decode(r, PackedEncodings.DecodeZiplist));
                break;
            case RdbFormat.TypeListQuicklist:
            {
                int nodes = r.ReadCount();
                for (int i = 0; i < nodes; i++) AddAll(list, RdbValueCodec.Decode(r, PackedEncodings.DecodeZiplist));
                break;
            }
            case RdbFormat.TypeListQuicklist2:
            {
                int nodes = r.ReadCount();
                for (int i = 0; i < nodes; i++)
                {
                    long container = r.ReadLength();
                    if (container == RdbFormat.QuicklistNodePlain) list.PushTail(NonEmpty(r, r.ReadString()));
                    else if (container == RdbFormat.QuicklistNodePacked) AddAll(list, RdbValueCodec.Decode(r, PackedEncodings.DecodeListpack));
                    else throw r.Error($"Quicklist integrity check failed: unknown node container {container}");
                }
                break;
            }
            default:
                throw r.Error($"Unknown RDB encoding type {type} ({RdbFormat.TypeName(type)})");
        }
        return list.Count == 0 ? null : list;
    }

    /// <summary>A quicklist node is never a zero-length string, even a plain one.</summary>
    private static byte[] NonEmpty(RdbReader r, byte[] node) => node.Length > 0 ? node : throw r.Error("Quicklist node of zero length");

    private static void AddAll(RedisList list, List<byte[]> elements)
    {
        foreach (var element in elements) list.PushTail(element);
    }
}
