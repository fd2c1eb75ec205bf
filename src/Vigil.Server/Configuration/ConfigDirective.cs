namespace Vigil.Server.Configuration;

/// <summary>
/// One config directive: its name(s), whether CONFIG SET may change it at run time, its default as
/// CONFIG GET prints it, and how to read and write it. Set returns null on success, or the reason
/// in Redis's words ("argument couldn't be parsed into an integer").
/// </summary>
public sealed class ConfigDirective
{
    public ConfigDirective(string name, bool mutable, string defaultValue,
        Func<ServerConfig, string> get, Func<ServerConfig, string[], string?> set, params string[] aliases)
    {
        Name = name;
        Mutable = mutable;
        DefaultValue = defaultValue;
        Get = get;
        Set = set;
        Aliases = aliases;
    }

    public string Name { get; }

    public string[] Aliases { get; }

    public bool Mutable { get; }

    public string DefaultValue { get; }

    public Func<ServerConfig, string> Get { get; }

    /// <summary>Applies the directive's arguments (what follows its name on a config line).</summary>
    public Func<ServerConfig, string[], string?> Set { get; }

    /// <summary>True for directives that take several arguments on one line (save, bind, replicaof...).</summary>
    public bool MultiArg { get; init; }
}
