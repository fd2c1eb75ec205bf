namespace Vigil;

/// <summary>Runtime settings that won the measurements in docs/performance.md, set before any socket exists.</summary>
internal static class RuntimeKnobs
{
    public static void Apply()
    {
        SetDefault("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
        SetDefault("DOTNET_SYSTEM_NET_SOCKETS_THREAD_COUNT", "1");
    }

    private static void SetDefault(string name, string value)
    {
        // An operator's own setting wins.
        if (Environment.GetEnvironmentVariable(name) == null) Environment.SetEnvironmentVariable(name, value);
    }
}
