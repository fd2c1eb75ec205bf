using System.Text;

namespace Vigil.Server.PubSub;

/// <summary>
/// The notify-keyspace-events class string, read and written as Redis 7.0 does
/// (notify.c: keyspaceEventsStringToFlags / keyspaceEventsFlagsToString).
/// </summary>
public static class KeyspaceEventFlags
{
    /// <summary>'A': every class except key-miss (m) and new-key (n) events.</summary>
    public const KeyspaceEventType All =
        KeyspaceEventType.Generic | KeyspaceEventType.String | KeyspaceEventType.List | KeyspaceEventType.Set |
        KeyspaceEventType.Hash | KeyspaceEventType.SortedSet | KeyspaceEventType.Expired | KeyspaceEventType.Evicted |
        KeyspaceEventType.Stream | KeyspaceEventType.Module;

    /// <summary>The reason CONFIG SET gives for a class string that does not parse.</summary>
    public const string InvalidClassError = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";

    /// <summary>Parses a class string such as "KEA" or "Ex"; false on any character Redis rejects.</summary>
    public static bool TryParse(ReadOnlySpan<char> classes, out KeyspaceEventType flags)
    {
        flags = KeyspaceEventType.None;
        foreach (char c in classes)
        {
            KeyspaceEventType bit = c switch
            {
                'A' => All,
                'g' => KeyspaceEventType.Generic,
                '$' => KeyspaceEventType.String,
                'l' => KeyspaceEventType.List,
                's' => KeyspaceEventType.Set,
                'h' => KeyspaceEventType.Hash,
                'z' => KeyspaceEventType.SortedSet,
                'x' => KeyspaceEventType.Expired,
                'e' => KeyspaceEventType.Evicted,
                'K' => KeyspaceEventType.Keyspace,
                'E' => KeyspaceEventType.Keyevent,
                't' => KeyspaceEventType.Stream,
                'm' => KeyspaceEventType.KeyMiss,
                'd' => KeyspaceEventType.Module,
                'n' => KeyspaceEventType.NewKey,
                _ => KeyspaceEventType.None,
            };
            if (bit == KeyspaceEventType.None)
            {
                flags = KeyspaceEventType.None;
                return false;
            }
            flags |= bit;
        }
        return true;
    }

    /// <summary>
    /// The canonical string CONFIG GET shows: "A" for the full set (which, as in Redis, then drops
    /// 'n'), else the single classes in Redis's order, then K, E and m.
    /// </summary>
    public static string Format(KeyspaceEventType flags)
    {
        var s = new StringBuilder(16);
        if ((flags & All) == All)
        {
            s.Append('A');
        }
        else
        {
            Append(s, flags, KeyspaceEventType.Generic, 'g');
            Append(s, flags, KeyspaceEventType.String, '$');
            Append(s, flags, KeyspaceEventType.List, 'l');
            Append(s, flags, KeyspaceEventType.Set, 's');
            Append(s, flags, KeyspaceEventType.Hash, 'h');
            Append(s, flags, KeyspaceEventType.SortedSet, 'z');
            Append(s, flags, KeyspaceEventType.Expired, 'x');
            Append(s, flags, KeyspaceEventType.Evicted, 'e');
            Append(s, flags, KeyspaceEventType.Stream, 't');
            Append(s, flags, KeyspaceEventType.Module, 'd');
            Append(s, flags, KeyspaceEventType.NewKey, 'n');
        }
        Append(s, flags, KeyspaceEventType.Keyspace, 'K');
        Append(s, flags, KeyspaceEventType.Keyevent, 'E');
        Append(s, flags, KeyspaceEventType.KeyMiss, 'm');
        return s.ToString();
    }

    private static void Append(StringBuilder s, KeyspaceEventType flags, KeyspaceEventType bit, char c)
    {
        if ((flags & bit) != 0) s.Append(c);
    }
}
