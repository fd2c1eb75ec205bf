namespace Vigil.Server.PubSub;

/// <summary>The classes of keyspace events that notify-keyspace-events selects (K E g $ l s h z x e t m d n).</summary>
[Flags]
public enum KeyspaceEventType
{
    None = 0,
    Keyspace = 1 << 0,   // K
    Keyevent = 1 << 1,   // E
    Generic = 1 << 2,    // g
    String = 1 << 3,     // $
    List = 1 << 4,       // l
    Set = 1 << 5,        // s
    Hash = 1 << 6,       // h
    SortedSet = 1 << 7,  // z
    Expired = 1 << 8,    // x
    Evicted = 1 << 9,    // e
    Stream = 1 << 10,    // t
    KeyMiss = 1 << 11,   // m
    Module = 1 << 12,    // d
    NewKey = 1 << 13,    // n
}
