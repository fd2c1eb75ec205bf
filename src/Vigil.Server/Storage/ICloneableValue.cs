namespace Vigil.Server.Storage;

/// <summary>
/// A collection value that COPY can duplicate. COPY must store an independent value: the copy and
/// the original are modified separately afterwards. Values that do not implement it cannot be copied
/// (COPY replies "ERR unknown type object", as Redis does for a type it cannot duplicate).
/// </summary>
public interface ICloneableValue
{
    /// <summary>A deep copy: no mutable state shared with this value (element byte arrays may be shared, they are never mutated).</summary>
    IRedisValue Clone();
}
