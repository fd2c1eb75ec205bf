namespace Vigil.Server.Storage;

/// <summary>A collection whose members (hash fields, set members) are removed by name: HDEL, SREM.</summary>
public interface IMemberCollection
{
    int Count { get; }

    /// <summary>Removes <paramref name="member"/>; true when it was there.</summary>
    bool Remove(ReadOnlySpan<byte> member);
}
