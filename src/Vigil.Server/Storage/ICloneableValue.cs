namespace Vigil.Server.Storage;

/// <summary>A collection value that can be deep-copied (COPY, copy-on-write during snapshots).</summary>
public interface ICloneableValue
{
    object Clone();
}
