namespace Vigil.Server.Persistence;

/// <summary>
/// Values in RDB form: Vigil writes the plain encodings every Redis 7.0 loads (string, list, set,
/// zset-2, hash) and reads every encoding Redis 7.0 writes, and the older ziplist-era ones.
/// Also the DUMP/RESTORE payload body.
/// </summary>
public static class RdbValueCodec
{
    public static void WriteTypeAndValue(RdbWriter w, byte[] key, object value)
    {
        w.WriteByte(TypeOf(value));
        w.WriteString(key);
        WriteValue(w, value);
    }

    public static byte TypeOf(object value) => value switch
    {
        byte[] => RdbFormat.TypeString,
        Storage.RedisList => RdbFormat.TypeListQuicklist2,
        _ => throw new InvalidOperationException($"no RDB form for {value.GetType().Name}"),
    };

    public static void WriteValue(RdbWriter w, object value)
    {
        switch (value)
        {
            case byte[] s:
                w.WriteString(s);
                break;
            case Storage.RedisList list:
                RdbListCodec.Write(w, list);
                break;
            default:
                throw new InvalidOperationException($"no RDB form for {value.GetType().Name}");
        }
    }

    public static object ReadValue(RdbReader r, byte type)
    {
        switch (type)
        {
            case RdbFormat.TypeString:
                return r.ReadString();
            case RdbFormat.TypeList or RdbFormat.TypeListZiplist or RdbFormat.TypeListQuicklist or RdbFormat.TypeListQuicklist2:
                return RdbListCodec.Read(r, type);
            default:
                throw r.Error($"Unknown RDB encoding type {type} ({RdbFormat.TypeName(type)})");
        }
    }
}
