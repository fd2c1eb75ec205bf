namespace Vigil.Protocol;

/// <summary>Where one command argument lies inside a buffer.</summary>
public readonly record struct ArgRange(int Start, int Length);
